// team_profiles.hpp - `mosaic fleet profile` and `mosaic fleet provision`: the built-in team
// profiles, their one validator, and the roster a profile provisions.
//
// A profile is a tree of seats under one lead seat. A seat is a role (id, class, runtime,
// optional model hint) with a multiplicity: `count` agents in the full team, `floor_count` of
// them in the floor. Every seat but the lead reports to another seat (`reports_to`).
//
// The floor is the smallest team the profile works with: every seat whose class is listed in
// the profile's `floor`, each at its floor_count. The full team (`--full`) is every seat at
// its count. A seat becomes agents named `<seat>` when its count is 1, else `<seat>-1` to
// `<seat>-<count>` (the floor takes the first floor_count of them, so the floor's names are
// the full team's names). Each agent's reports_to is the agent of the seat it reports to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mosaic/sdk.hpp>

#include "roster.hpp"

namespace mosaic::fleet {

struct Seat {
    std::string id;                           // also the agent name (or its stem)
    std::string seat_class;                   // one of profile_classes()
    std::string runtime;                      // one of known_runtimes() (yolo.hpp)
    std::optional<std::string> model_hint;
    std::optional<std::string> reports_to;    // a seat id; nullopt for the lead only
    int floor_count = 1;                      // agents in the floor (when the class is in it)
    int count = 1;                            // agents in the full team, >= floor_count
    std::string duty;                         // one line: what the seat does
};

struct TeamProfile {
    std::string id;                  // [a-z][a-z0-9-]*
    std::string title;
    std::string description;
    std::string lead;                // the seat that leads; every other seat reports to it, in the end
    std::vector<std::string> floor;  // seat classes
    std::vector<Seat> seats;         // in the order their agents appear in the roster
};

// orchestrator (leads, plans, hands out work), worker (does it), researcher (finds and reads
// sources, reports findings), reviewer (checks what others deliver).
const std::vector<std::string>& profile_classes();

// software-delivery, personal-assistant, research, business, marketing.
const std::vector<TeamProfile>& team_profiles();

// The one validator: throws mosaic::Error(exit_usage) naming the profile and the seat for a
// profile that is wrong in itself (bad id, no seats, duplicate seat ids, an unknown class or
// runtime, counts out of range, an unknown lead, a seat other than the lead without
// reports_to, a reports_to naming no seat, itself or a seat with several agents, a reports_to
// cycle, a floor class that is unknown or has no seat, a floor without the lead's class, a
// floor seat reporting to a seat outside the floor, two seats giving the same agent name).
void validate_profile(const TeamProfile& profile);
// Each profile, then that no two have the same id.
void validate_profiles(const std::vector<TeamProfile>& profiles);

// The validated built-in profile `id`; mosaic::Error(exit_usage) listing the known ids.
const TeamProfile& find_team_profile(const std::string& id);

// The agents of the floor or of the full team, seat by seat.
std::vector<Agent> team_agents(const TeamProfile& profile, bool full);
// The number of agents in the floor or full team.
int team_size(const TeamProfile& profile, bool full);
// Whether a seat's class is in the profile's floor.
bool in_floor(const TeamProfile& profile, const Seat& seat);

// The roster text for the floor or the full team (roster_header() with the provision command,
// then one line per agent, each seat's duty as a comment), checked with parse_roster().
std::string provision_text(const TeamProfile& profile, bool full);

// The seats of a valid profile from the lead down, each after the seat it reports to, with its
// depth (lead: 0).
struct SeatInTree {
    const Seat* seat;
    int depth;
};
std::vector<SeatInTree> seat_tree(const TeamProfile& profile);

// Who reports to whom: a first line naming the profile and the team's size, then one line per
// seat of the team, indented under the seat it reports to, e.g.
// "planner (orchestrator, claude): leads" / "  coder-1, coder-2 (worker, codex): report to planner".
std::vector<std::string> topology_lines(const TeamProfile& profile, bool full);

// The profile as JSON: id, title, description, lead, floor, floor_agents, full_agents and
// seats [{id, class, runtime, model_hint, reports_to, floor_count (0 outside the floor),
// count, in_floor, duty}].
nlohmann::json profile_json(const TeamProfile& profile);

}  // namespace mosaic::fleet
