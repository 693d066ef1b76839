// agent_test_support.hpp - what the agent plugin's tests share: a fleet.roster reply.
#pragma once

#include <nlohmann/json.hpp>

namespace agent_test {

// Two agents on socket "fleet" of host "box": a (claude, whose runtime resets with /clear)
// and b.1 (codex, no reset command; its session is b_1).
inline nlohmann::json roster_reply() {
    return {{"roster", "/h/fleet/roster.yaml"},
            {"host", "box"},
            {"socket_name", "fleet"},
            {"runtimes", {{"claude", {{"reset_command", "/clear"}}}}},
            {"agents",
             {{{"name", "a"}, {"runtime", "claude"}, {"class", "orchestrator"}, {"session", "a"}, {"unit", "mosaic-agent@a.service"}},
              {{"name", "b.1"}, {"runtime", "codex"}, {"class", "worker"}, {"session", "b_1"}}}}};
}

}  // namespace agent_test
