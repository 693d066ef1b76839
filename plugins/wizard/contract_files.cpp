#include "contract_files.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

namespace mosaic::wizard {

namespace fs = std::filesystem;

namespace {

std::string purpose(const Answers& a) {
    if (a.intent == "custom" && a.intent_description && !a.intent_description->empty()) return *a.intent_description;
    const Intent* i = find_intent(a.intent);
    return i ? i->title : a.intent;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> starter_contract_files(const Answers& a) {
    const std::string& name = a.agent_name;
    return {
        {"AGENTS.md",
         "# " + name + "\n\n"
         "You are " + name + ", an agent of this Mosaic installation. Your purpose: " + purpose(a) + ".\n\n"
         "- Work in the directory you were started in; say what you changed and why.\n"
         "- Before a change that cannot be undone (deleting data, pushing, paying), ask.\n"
         "- When you are stuck or a task is done, say so plainly, with what you found.\n"},
        {"SOUL.md",
         "# How " + name + " works\n\n"
         "Direct and calm. Short answers first, details when asked. Say what you do not know;\n"
         "never invent a result, a file or a command's output.\n"},
        {"USER.md",
         "# Who you work for\n\n"
         "Your operator is " + a.admin_name + ". Messages from the operator arrive in your pane\n"
         "prefixed `[<host>:operator -> <host>:<you>]`.\n"},
        {"TOOLS.md",
         "# Tools\n\n"
         "- `mosaic fleet ps`: the fleet's agents and their state.\n"
         "- `mosaic agent send PEER --source-label <you> --message \"TEXT\" --verify`: message a peer.\n"
         "- `mosaic agent tail PEER`: what a peer's pane shows.\n"},
    };
}

std::vector<std::string> write_starter_contract_files(const fs::path& home, const Answers& answers) {
    std::vector<std::string> created;
    for (const auto& [name, text] : starter_contract_files(answers)) {
        fs::path target = home / name;
        std::error_code ec;
        if (fs::exists(fs::symlink_status(target, ec))) continue;
        fs::path staged = home / ("." + name + ".starter-" + std::to_string(::getpid()));
        support::write_file_atomic(staged, text, {.mode = 0644});
        int rc = ::link(staged.c_str(), target.c_str());
        int err = errno;
        fs::remove(staged, ec);
        if (rc == 0) {
            created.push_back(name);
        } else if (err != EEXIST) {
            throw Error(exit_failed, "cannot create '" + target.string() + "': " + std::strerror(err));
        }
    }
    return created;
}

}  // namespace mosaic::wizard
