// `mosaic compose-contract RUNTIME` and the contract `mosaic yolo` hands its runtime.
#include "commands.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

#include "roster.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

namespace {

struct Composed {
    std::string text;
    std::filesystem::path file;  // where opencode is told to read it
};

Composed compose_for(const std::string& runtime, Deps& d) {
    yolo_argv(runtime, std::nullopt, {});  // an unknown runtime: exit 2, naming the known ones
    ContractInput in{runtime, d.home, std::nullopt, std::nullopt, d.seams.inspector.host()};
    auto agent = d.env("MOSAIC_AGENT_NAME");
    if (agent && valid_agent_name(*agent)) {
        in.agent = agent;
        if (std::filesystem::exists(d.roster_path)) in.roster = load_roster(d.roster_path);
    }
    std::string stem = in.agent ? *in.agent : "yolo-" + runtime;
    return {compose_contract(in), d.run_dir() / (stem + ".contract.md")};
}

}  // namespace

void define_compose_contract(CLI::App& app, ComposeContractCommand& o) {
    cli::complete_with(app.add_option("runtime", o.runtime, "claude, codex, opencode or pi"), cli::complete::choice({"claude", "codex", "opencode", "pi"}))->required();
    app.add_flag("--json", o.json, "the contract and how 'mosaic yolo' hands it to the runtime, as JSON");
}

int run_compose_contract(const ComposeContractCommand& o, Deps& d) {
    Composed c = compose_for(o.runtime, d);
    if (!o.json) {
        d.ctx.out(c.text);
        return 0;
    }
    ContractDelivery delivery = contract_delivery(o.runtime, c.text, c.file, d.env("OPENCODE_CONFIG_CONTENT"));
    nlohmann::json doc{{"runtime", o.runtime}, {"contract", c.text}, {"args", delivery.args}, {"env", delivery.env}};
    if (delivery.file) doc["file"] = delivery.file->first.string();
    d.ctx.out(doc.dump(2) + "\n");
    return 0;
}

ContractDelivery yolo_contract(const std::string& runtime, Deps& d) {
    Composed c = compose_for(runtime, d);
    ContractDelivery delivery = contract_delivery(runtime, c.text, c.file, d.env("OPENCODE_CONFIG_CONTENT"));
    if (delivery.file) support::write_file_atomic(delivery.file->first, delivery.file->second, {.mode = 0600, .private_dirs = true});
    return delivery;
}

}  // namespace mosaic::fleet
