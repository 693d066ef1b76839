#include "team_profiles.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include <mosaic/error.hpp>

#include "profiles.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

namespace {

// The built-in profiles, as data. Seat fields in order: id, class, runtime, model_hint,
// reports_to, floor_count, count, duty.
std::vector<TeamProfile> builtin_profiles() {
    return {
        {"software-delivery", "Software delivery",
         "a planner breaks the work into tasks for coders; a reviewer checks every change before it lands",
         "planner", {"orchestrator", "worker", "reviewer"},
         {{"planner", "orchestrator", "claude", "opus", std::nullopt, 1, 1, "plans the work and hands it out"},
          {"coder", "worker", "codex", std::nullopt, "planner", 2, 4, "implements the tasks"},
          {"reviewer", "reviewer", "claude", std::nullopt, "planner", 1, 1, "reviews what the coders deliver"},
          {"researcher", "researcher", "claude", std::nullopt, "planner", 1, 1,
           "reads code, docs and issues ahead of the coders"}}},
        {"personal-assistant", "Personal assistant",
         "one assistant takes your requests and keeps track of them; a clerk runs errands, researchers look "
         "things up",
         "assistant", {"orchestrator", "worker"},
         {{"assistant", "orchestrator", "claude", "opus", std::nullopt, 1, 1,
           "takes requests, keeps the to-do list, delegates"},
          {"clerk", "worker", "pi", std::nullopt, "assistant", 1, 1, "drafts messages, fills in forms, keeps notes"},
          {"researcher", "researcher", "claude", std::nullopt, "assistant", 1, 2, "looks things up and compares options"}}},
        {"research", "Research",
         "a principal frames the questions; researchers gather and read sources, an analyst runs the numbers, "
         "a reviewer checks claims against their sources",
         "principal", {"orchestrator", "researcher", "reviewer"},
         {{"principal", "orchestrator", "claude", "opus", std::nullopt, 1, 1, "frames the questions and merges the findings"},
          {"researcher", "researcher", "claude", std::nullopt, "principal", 2, 4,
           "finds and reads sources, writes notes with citations"},
          {"analyst", "worker", "codex", std::nullopt, "principal", 1, 1, "runs analyses and scripts on the data"},
          {"reviewer", "reviewer", "claude", std::nullopt, "principal", 1, 1, "checks each claim against its source"}}},
        {"business", "Business operations",
         "a chief sets the priorities; operators carry out the work, an analyst watches the numbers, a controller "
         "checks money and commitments before they go out",
         "chief", {"orchestrator", "worker", "reviewer"},
         {{"chief", "orchestrator", "claude", "opus", std::nullopt, 1, 1, "sets the priorities and assigns the work"},
          {"operator", "worker", "claude", std::nullopt, "chief", 1, 3, "handles customers, suppliers and paperwork"},
          {"analyst", "researcher", "claude", std::nullopt, "chief", 1, 1, "tracks the numbers and the market"},
          {"controller", "reviewer", "claude", std::nullopt, "chief", 1, 1,
           "checks invoices, contracts and commitments before they go out"}}},
        {"marketing", "Marketing",
         "a director owns the plan; an editor runs the writers and the designer and signs off their work, a "
         "strategist studies the audience and the results",
         "director", {"orchestrator", "reviewer", "worker"},
         {{"director", "orchestrator", "claude", "opus", std::nullopt, 1, 1, "owns the plan and the calendar"},
          {"editor", "reviewer", "claude", std::nullopt, "director", 1, 1, "commissions and signs off the content"},
          {"writer", "worker", "claude", std::nullopt, "editor", 1, 3, "writes copy, posts and articles"},
          {"designer", "worker", "opencode", std::nullopt, "editor", 1, 1, "makes the visuals and layouts"},
          {"strategist", "researcher", "claude", std::nullopt, "director", 1, 1,
           "studies the audience, the competitors and the results"}}},
    };
}

bool contains(const std::vector<std::string>& words, const std::string& word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

[[noreturn]] void invalid(const TeamProfile& p, const std::string& what) {
    throw Error(exit_usage, "profile '" + p.id + "': " + what);
}

const Seat* find_seat(const TeamProfile& p, const std::string& id) {
    for (const auto& s : p.seats)
        if (s.id == id) return &s;
    return nullptr;
}

std::string agent_name(const Seat& seat, int index) {
    return seat.count == 1 ? seat.id : seat.id + "-" + std::to_string(index);
}

void check_profile_fields(const TeamProfile& p) {
    static const std::regex id_pattern("^[a-z][a-z0-9-]{0,63}$");
    if (!std::regex_match(p.id, id_pattern)) invalid(p, "the id is not 1 to 64 of a-z, 0-9 and '-', starting with a letter");
    if (p.title.empty()) invalid(p, "the title is empty");
    if (p.seats.empty()) invalid(p, "it has no seats");
    std::set<std::string> ids;
    for (const auto& s : p.seats)
        if (!ids.insert(s.id).second) invalid(p, "seat '" + s.id + "' is there twice");
    if (!find_seat(p, p.lead)) invalid(p, "the lead '" + p.lead + "' is not a seat of the profile");
}

void check_seat(const TeamProfile& p, const Seat& s) {
    std::string seat = "seat '" + s.id + "'";
    if (!valid_agent_name(s.id) || !valid_agent_name(agent_name(s, s.count)))
        invalid(p, seat + ": invalid agent name (" + agent_name_rule + ")");
    if (!contains(profile_classes(), s.seat_class))
        invalid(p, seat + " has the unknown class '" + s.seat_class + "'; known classes: " +
                       fmt::format("{}", fmt::join(profile_classes(), ", ")));
    if (!contains(known_runtimes(), s.runtime))
        invalid(p, seat + " has the unknown runtime '" + s.runtime + "'; known runtimes: " +
                       fmt::format("{}", fmt::join(known_runtimes(), ", ")));
    if (s.count < 1 || s.floor_count < 1 || s.floor_count > s.count)
        invalid(p, seat + " has floor_count " + std::to_string(s.floor_count) + " and count " +
                       std::to_string(s.count) + "; it needs 1 <= floor_count <= count");
}

void check_reports_to(const TeamProfile& p, const Seat& s) {
    std::string seat = "seat '" + s.id + "'";
    if (s.id == p.lead) {
        if (s.reports_to) invalid(p, "the lead seat '" + s.id + "' reports to '" + *s.reports_to + "'; the lead reports to nobody");
        return;
    }
    if (!s.reports_to) invalid(p, seat + " reports to nobody; every seat but the lead '" + p.lead + "' needs reports_to");
    const Seat* boss = find_seat(p, *s.reports_to);
    if (!boss) invalid(p, seat + " reports to '" + *s.reports_to + "', which is not a seat of the profile");
    if (boss == &s) invalid(p, seat + " reports to itself");
    if (boss->count != 1)
        invalid(p, seat + " reports to '" + boss->id + "', which has " + std::to_string(boss->count) +
                       " agents; a seat others report to has count 1");
    if (in_floor(p, s) && !in_floor(p, *boss))
        invalid(p, seat + " is in the floor but reports to '" + boss->id + "', whose class '" + boss->seat_class +
                       "' is not");
}

// Runs after check_reports_to: every reports_to names a seat.
void check_no_cycle(const TeamProfile& p, const Seat& s) {
    std::string chain = s.id;
    const Seat* at = &s;
    for (std::size_t steps = 0; at->reports_to && steps < p.seats.size(); ++steps) {
        at = find_seat(p, *at->reports_to);
        chain += " -> " + at->id;
        if (at == &s) invalid(p, "seat '" + s.id + "' is in a reports_to cycle (" + chain + ")");
    }
}

void check_floor(const TeamProfile& p) {
    if (p.floor.empty()) invalid(p, "the floor names no class");
    for (const auto& c : p.floor) {
        if (!contains(profile_classes(), c))
            invalid(p, fmt::format("the floor names the unknown class '{}'; known classes: {}", c,
                                   fmt::join(profile_classes(), ", ")));
        if (std::none_of(p.seats.begin(), p.seats.end(), [&](const Seat& s) { return s.seat_class == c; }))
            invalid(p, "the floor names the class '" + c + "', which no seat has");
    }
    const Seat& lead = *find_seat(p, p.lead);
    if (!in_floor(p, lead))
        invalid(p, "the lead seat '" + lead.id + "' has the class '" + lead.seat_class + "', which the floor does not name");
}

void check_agent_names(const TeamProfile& p) {
    std::map<std::string, std::string> seat_of;  // agent name -> seat id
    for (const auto& s : p.seats)
        for (int i = 1; i <= s.count; ++i) {
            auto [at, added] = seat_of.emplace(agent_name(s, i), s.id);
            if (!added)
                invalid(p, "seats '" + at->second + "' and '" + s.id + "' both give the agent name '" + at->first + "'");
        }
}

std::vector<Agent> seat_agents(const TeamProfile& p, const Seat& seat, bool full) {
    std::vector<Agent> agents;
    if (!full && !in_floor(p, seat)) return agents;
    int n = full ? seat.count : seat.floor_count;
    for (int i = 1; i <= n; ++i) {
        Agent a;
        a.name = agent_name(seat, i);
        a.runtime = seat.runtime;
        a.agent_class = seat.seat_class;
        a.model_hint = seat.model_hint;
        a.reports_to = seat.reports_to;  // a seat others report to has one agent, named as the seat
        agents.push_back(std::move(a));
    }
    return agents;
}

std::string agent_line(const Agent& a) {
    std::string line = "{ name: " + a.name + ", runtime: " + a.runtime + ", class: " + a.agent_class;
    if (a.model_hint) line += ", model_hint: " + *a.model_hint;
    if (a.reports_to) line += ", reports_to: " + *a.reports_to;
    return line + " }";
}

std::string names_of(const std::vector<Agent>& agents) {
    std::vector<std::string> names;
    for (const auto& a : agents) names.push_back(a.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

const std::vector<std::string>& profile_classes() {
    static const std::vector<std::string> classes{"orchestrator", "worker", "researcher", "reviewer"};
    return classes;
}

const std::vector<TeamProfile>& team_profiles() {
    static const std::vector<TeamProfile> profiles = builtin_profiles();
    return profiles;
}

bool in_floor(const TeamProfile& profile, const Seat& seat) { return contains(profile.floor, seat.seat_class); }

void validate_profile(const TeamProfile& p) {
    check_profile_fields(p);
    for (const auto& s : p.seats) check_seat(p, s);
    check_floor(p);
    for (const auto& s : p.seats) check_reports_to(p, s);
    for (const auto& s : p.seats) check_no_cycle(p, s);
    check_agent_names(p);
}

void validate_profiles(const std::vector<TeamProfile>& profiles) {
    std::set<std::string> ids;
    for (const auto& p : profiles) {
        validate_profile(p);
        if (!ids.insert(p.id).second) invalid(p, "two profiles have this id");
    }
}

const TeamProfile& find_team_profile(const std::string& id) {
    validate_profiles(team_profiles());
    std::vector<std::string> ids;
    for (const auto& p : team_profiles()) {
        if (p.id == id) return p;
        ids.push_back(p.id);
    }
    throw Error(exit_usage, fmt::format("unknown profile '{}'; known profiles: {}", id, fmt::join(ids, ", ")));
}

std::vector<Agent> team_agents(const TeamProfile& profile, bool full) {
    std::vector<Agent> agents;
    for (const auto& seat : profile.seats)
        for (auto& a : seat_agents(profile, seat, full)) agents.push_back(std::move(a));
    return agents;
}

int team_size(const TeamProfile& profile, bool full) { return static_cast<int>(team_agents(profile, full).size()); }

std::string provision_text(const TeamProfile& profile, bool full) {
    std::string command = "mosaic fleet provision --profile " + profile.id + (full ? " --full" : "");
    std::string text = roster_header(command) + "agents:\n";
    for (const auto& seat : profile.seats) {
        auto agents = seat_agents(profile, seat, full);
        if (!agents.empty()) text += "  # " + seat.duty + "\n";
        for (const auto& a : agents) text += "  - " + agent_line(a) + "\n";
    }
    if (parse_roster(text, command).agents != team_agents(profile, full))
        invalid(profile, "its roster text does not read back as its agents");
    return text;
}

std::vector<SeatInTree> seat_tree(const TeamProfile& profile) {
    std::vector<SeatInTree> out;
    auto visit = [&](auto&& self, const Seat& seat, int depth) -> void {
        out.push_back({&seat, depth});
        for (const auto& s : profile.seats)
            if (s.reports_to == seat.id) self(self, s, depth + 1);
    };
    visit(visit, *find_seat(profile, profile.lead), 0);
    return out;
}

std::vector<std::string> topology_lines(const TeamProfile& profile, bool full) {
    std::vector<std::string> lines{"topology of '" + profile.id + "', " + (full ? "full team" : "floor") + ": " +
                                   std::to_string(team_size(profile, full)) + " agents" +
                                   (full ? "" : " (the full team has " + std::to_string(team_size(profile, true)) + ")")};
    for (const auto& [seat, depth] : seat_tree(profile)) {
        auto agents = seat_agents(profile, *seat, full);
        if (agents.empty()) continue;  // not in the floor: neither is a seat under it
        std::string line = std::string(2 * (depth + 1), ' ') + names_of(agents) + " (" + seat->seat_class + ", " +
                           seat->runtime + "): ";
        line += seat->reports_to ? (agents.size() == 1 ? "reports to " : "report to ") + *seat->reports_to : "leads";
        lines.push_back(line);
    }
    return lines;
}

nlohmann::json profile_json(const TeamProfile& profile) {
    auto optional = [](const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); };
    nlohmann::json seats = nlohmann::json::array();
    for (const auto& s : profile.seats)
        seats.push_back({{"id", s.id},
                         {"class", s.seat_class},
                         {"runtime", s.runtime},
                         {"model_hint", optional(s.model_hint)},
                         {"reports_to", optional(s.reports_to)},
                         {"floor_count", in_floor(profile, s) ? s.floor_count : 0},
                         {"count", s.count},
                         {"in_floor", in_floor(profile, s)},
                         {"duty", s.duty}});
    return {{"id", profile.id},
            {"title", profile.title},
            {"description", profile.description},
            {"lead", profile.lead},
            {"floor", profile.floor},
            {"floor_agents", team_size(profile, false)},
            {"full_agents", team_size(profile, true)},
            {"seats", seats}};
}

}  // namespace mosaic::fleet
