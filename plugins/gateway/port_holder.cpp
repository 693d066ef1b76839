#include "port_holder.hpp"

#include <dirent.h>
#include <sstream>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic::gateway {

std::vector<ListeningSocket> listening_sockets(const std::string& proc_net_tcp, int port) {
    std::vector<ListeningSocket> out;
    std::istringstream in(proc_net_tcp);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        std::istringstream f(line);
        std::string sl, local, remote, state, queues, timer, retransmits;
        unsigned long uid = 0, timeout = 0, inode = 0;
        if (!(f >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode)) continue;
        auto colon = local.rfind(':');
        if (colon == std::string::npos || state != "0A") continue;  // 0A: LISTEN
        unsigned long local_port = std::strtoul(local.c_str() + colon + 1, nullptr, 16);
        if (static_cast<int>(local_port) == port) out.push_back({uid, inode});
    }
    return out;
}

std::string command_line_for_message(const std::string& proc_cmdline) {
    std::string text;
    for (char c : proc_cmdline) text += c == '\0' ? ' ' : c;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (text.size() > 120) text = text.substr(0, 117) + "...";
    return support::escape_for_message(text);
}

namespace {

std::optional<std::string> read_proc(const std::string& path) {
    try {
        return support::read_file(path);
    } catch (const Error&) {
        return std::nullopt;
    }
}

// The pid with a descriptor on socket `inode`, if /proc lets us see it.
std::optional<long> pid_of_socket(unsigned long inode) {
    const std::string wanted = "socket:[" + std::to_string(inode) + "]";
    DIR* proc = ::opendir("/proc");
    if (!proc) return std::nullopt;
    std::optional<long> found;
    while (const dirent* p = ::readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(p->d_name, &end, 10);
        if (pid <= 0 || *end != '\0') continue;
        std::string fd_dir = "/proc/" + std::string(p->d_name) + "/fd";
        DIR* fds = ::opendir(fd_dir.c_str());
        if (!fds) continue;  // another user's process
        while (const dirent* f = ::readdir(fds)) {
            char target[64];
            std::string link = fd_dir + "/" + f->d_name;
            ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
            if (n > 0 && std::string(target, static_cast<std::size_t>(n)) == wanted) {
                found = pid;
                break;
            }
        }
        ::closedir(fds);
        if (found) break;
    }
    ::closedir(proc);
    return found;
}

}  // namespace

std::optional<std::string> describe_port_holder(int port) {
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        auto text = read_proc(table);
        if (!text) continue;
        for (const auto& s : listening_sockets(*text, port)) {
            if (auto pid = pid_of_socket(s.inode)) {
                auto cmdline = read_proc("/proc/" + std::to_string(*pid) + "/cmdline");
                std::string cmd = cmdline ? command_line_for_message(*cmdline) : std::string();
                return "pid " + std::to_string(*pid) + (cmd.empty() ? std::string() : " ('" + cmd + "')") +
                       (s.uid != ::geteuid() ? ", uid " + std::to_string(s.uid) : std::string());
            }
            return "a process of uid " + std::to_string(s.uid) + " (its pid is not visible to you)";
        }
    }
    return std::nullopt;
}

}  // namespace mosaic::gateway
