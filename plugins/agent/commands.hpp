// commands.hpp - the agent plugin's wiring: one options struct, one define_* (its CLI11
// options) and one run_* per subcommand of `mosaic agent`, in the shape of mosaic/cli.hpp.
// The table that names them is in plugin.cpp. Only these files print.
#pragma once

#include <string>

#include <mosaic/cli.hpp>

#include "deps.hpp"

namespace mosaic::agent {

// cmd_roster.cpp: roster, status
struct RosterCommand { bool json = false; };
void define_roster(CLI::App& app, RosterCommand& o);
int run_roster(const RosterCommand& o, Deps& d);

struct StatusCommand {
    std::string name;
    bool json = false;
};
void define_status(CLI::App& app, StatusCommand& o);
int run_status(const StatusCommand& o, Deps& d);
// agent.complete: {"what": "agent", "prefix"} -> {"values": [...]}, from fleet.complete.
nlohmann::json serve_complete(const nlohmann::json& in, Deps& d);

// cmd_send.cpp: send
struct SendCommand {
    std::string name, message;
    std::string source_label = "operator";
    std::string message_class;  // "": none
    bool verify = false;
    long long verify_timeout_ms = 6000;
};
void define_send(CLI::App& app, SendCommand& o);
int run_send(const SendCommand& o, Deps& d);

// cmd_pane.cpp: tail, watch, reset
struct TailCommand {
    std::string name;
    int lines = 50;
};
void define_tail(CLI::App& app, TailCommand& o);
int run_tail(const TailCommand& o, Deps& d);

struct WatchCommand { std::string name; };
void define_watch(CLI::App& app, WatchCommand& o);
int run_watch(const WatchCommand& o, Deps& d);

struct ResetCommand {
    std::string name;
    bool restart = false;  // --new
};
void define_reset(CLI::App& app, ResetCommand& o);
int run_reset(const ResetCommand& o, Deps& d);

}  // namespace mosaic::agent
