// port_holder.hpp - who listens on a TCP port of this machine, for the message of a start that
// failed because something else has the gateway's port (from /proc, Linux only).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosaic::gateway {

// "pid 4242 ('python3 -m http.server 14242')" for the process listening on `port` (any local
// address, IPv4 or IPv6); "a process of uid 1001 (its pid is not visible to you)" when its
// /proc entries cannot be read; nullopt when nothing listens there (or /proc is not mounted).
std::optional<std::string> describe_port_holder(int port);

// The pure parts: the (uid, inode) of each socket listening on `port` in the text of
// /proc/net/tcp or /proc/net/tcp6, and the command line of /proc/<pid>/cmdline for a message.
struct ListeningSocket {
    unsigned long uid = 0;
    unsigned long inode = 0;
};
std::vector<ListeningSocket> listening_sockets(const std::string& proc_net_tcp, int port);
std::string command_line_for_message(const std::string& proc_cmdline);

}  // namespace mosaic::gateway
