#include "roster.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic::fleet {

namespace {

// "socketName" -> "socket_name"; snake_case keys pass through.
std::string snake(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (std::isupper(static_cast<unsigned char>(c))) {
            out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out;
}

std::string where(const std::string& origin, const YAML::Mark& mark) {
    std::string s = "'" + origin + "'";
    if (!mark.is_null()) s += " line " + std::to_string(mark.line + 1);
    return s;
}

// tmux session names cannot hold '.' or ':' (see tmux_session_name); two agents whose names
// differ only there would share a session.
std::string session_of(const std::string& name) {
    std::string s = name;
    for (char& c : s)
        if (c == '.' || c == ':') c = '_';
    return s;
}

// YAML text is Unicode without raw control characters (YAML 1.2 section 5.1). yaml-cpp reads
// both as they are, but its emitter writes U+FFFD for bytes that are not UTF-8, so `fleet add`
// would silently change another agent's value: refuse such a file up front, where it is.
void check_characters(const std::string& text, const std::string& origin) {
    std::size_t utf8 = support::utf8_valid_prefix(text);
    std::size_t bad = 0;
    auto printable = [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 ? c != 0x7F : ch == '\t' || ch == '\n' || ch == '\r';
    };
    while (bad < utf8 && printable(text[bad])) ++bad;
    if (bad == text.size()) return;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    std::string at = "'" + origin + "' " + support::line_column(text, bad);
    if (bad < utf8)
        throw Error(exit_usage, at + ": control character " + byte + " (YAML text cannot hold one); remove it");
    throw Error(exit_usage, at + ": byte " + byte + " is not UTF-8; save the file as UTF-8 text");
}

class Reader {
public:
    explicit Reader(std::string origin) : origin_(std::move(origin)) {}

    // `what` may quote the file's keys and values: their control bytes are shown as \xNN.
    [[noreturn]] void fail(const std::string& what, const YAML::Mark& mark) const {
        throw Error(exit_usage, support::escape_for_message(what) + " in " + where(origin_, mark));
    }

    // Calls f(snake_key, value, original_key_node) for each entry of a mapping; rejects keys
    // outside `allowed`.
    template <class F>
    void each(const YAML::Node& map, const std::string& path, const std::set<std::string>& allowed, F&& f) const {
        if (!map.IsMap())
            fail(path.empty() ? std::string("the roster must be a mapping (version, tmux, defaults, runtimes, agents)")
                              : "'" + path + "' must be a mapping",
                 map.Mark());
        std::set<std::string> seen;
        for (const auto& kv : map) {
            const YAML::Node& key = kv.first;
            if (!key.IsScalar()) fail("a key of '" + path + "' is not a string", key.Mark());
            std::string name = snake(key.Scalar());
            std::string shown = path.empty() ? key.Scalar() : path + "." + key.Scalar();
            if (!allowed.count(name)) fail("unknown key '" + shown + "'", key.Mark());
            if (!seen.insert(name).second) fail("duplicate key '" + shown + "'", key.Mark());
            f(name, kv.second, shown);
        }
    }

    // A value goes into unit files, .env files and tmux commands: one line of UTF-8 without
    // control bytes (a double-quoted "\t" or "\n" would put one there). The text is UTF-8,
    // but yaml-cpp decodes the escapes "\_" and "\N" to the single bytes 0xA0 and 0x85.
    std::string string(const YAML::Node& v, const std::string& key) const {
        if (!v.IsScalar())  // yaml-cpp loads ~ and null as Null, not as a scalar
            fail("key '" + key + "' must be a string", v.Mark());
        const std::string& s = v.Scalar();
        if (support::has_control_character(s))
            fail("key '" + key + "' holds a control character ('" + s + "'); remove it", v.Mark());
        if (!support::is_valid_utf8(s))
            fail("key '" + key + "' is not UTF-8 ('" + s + "'); write the character itself, not an escape",
                 v.Mark());
        return s;
    }

    std::optional<std::string> optional_string(const YAML::Node& v, const std::string& key) const {
        if (v.IsNull()) return std::nullopt;
        return string(v, key);
    }

    int integer(const YAML::Node& v, const std::string& key) const {
        if (v.IsScalar()) {
            const std::string& s = v.Scalar();
            if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
                s.size() < 9)
                return std::stoi(s);
        }
        fail("key '" + key + "' must be an integer", v.Mark());
    }

private:
    std::string origin_;
};

Agent read_agent(const Reader& r, const YAML::Node& node, std::size_t index) {
    std::string path = "agents[" + std::to_string(index) + "]";
    Agent a;
    bool has_name = false, has_runtime = false;
    r.each(node, path, {"name", "runtime", "class", "model_hint", "working_directory", "reports_to"},
           [&](const std::string& key, const YAML::Node& v, const std::string& shown) {
               if (key == "name") {
                   a.name = r.string(v, shown);
                   has_name = true;
                   if (!valid_agent_name(a.name))
                       r.fail(invalid_agent_name_message(a.name), v.Mark());
               } else if (key == "runtime") {
                   a.runtime = r.string(v, shown);
                   has_runtime = true;
                   if (a.runtime.empty()) r.fail("key '" + shown + "' must not be empty", v.Mark());
               } else if (key == "class") {
                   a.agent_class = r.string(v, shown);
                   if (a.agent_class.empty()) r.fail("key '" + shown + "' must not be empty", v.Mark());
               } else if (key == "model_hint") {
                   a.model_hint = r.optional_string(v, shown);
               } else if (key == "working_directory") {
                   a.working_directory = r.optional_string(v, shown);
               } else if (key == "reports_to") {
                   a.reports_to = r.optional_string(v, shown);
               }
           });
    if (!has_name) r.fail("agent '" + path + "' has no 'name'", node.Mark());
    if (!has_runtime) r.fail("agent '" + a.name + "' has no 'runtime'", node.Mark());
    return a;
}

YAML::Node load_node(const std::string& text, const std::string& origin) {
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw Error(exit_usage, "cannot parse '" + origin + "' line " + std::to_string(e.mark.line + 1) + " column " +
                                    std::to_string(e.mark.column + 1) + ": " + support::escape_for_message(e.msg) +
                                    "; fix or remove the file");  // (msg may quote a byte of the text)
    }
}

void set_block_style(YAML::Node node) {
    if (!node.IsMap() && !node.IsSequence()) return;
    node.SetStyle(YAML::EmitterStyle::Block);
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (node.IsMap()) {
            set_block_style(it->first);
            set_block_style(it->second);
        } else {
            set_block_style(*it);
        }
    }
}

// `root` as text that reads back as `expected`. yaml-cpp writes a key as a simple key unless
// its raw text is long, but YAML's 1024-character limit on simple keys counts the escaped form
// (a '"' is two characters): when that does not read back, every key goes in the explicit
// "? key" form, in block style (yaml-cpp writes "?key" inside a flow mapping, which it cannot
// read either); when even that does not read back, nothing is written.
std::string emit_checked(YAML::Node root, const Roster& expected, const std::string& origin) {
    for (bool long_keys : {false, true}) {
        YAML::Emitter out;
        if (long_keys) {
            set_block_style(root);
            out.SetMapFormat(YAML::LongKey);
        }
        out << root;
        std::string text = std::string(out.c_str()) + "\n";
        try {
            if (parse_roster(text, origin) == expected) return text;
        } catch (const Error&) {
            // try the next form
        }
    }
    throw Error(exit_usage, "cannot rewrite '" + origin +
                                "': yaml-cpp cannot write this roster so that it reads back the same; nothing was "
                                "written, make the change by hand");
}

}  // namespace

bool valid_agent_name(const std::string& name) {
    static const std::regex pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$");
    return std::regex_match(name, pattern);
}

std::string invalid_agent_name_message(const std::string& name) {
    std::string shown = name.size() > 80 ? name.substr(0, 77) + "..." : name;
    return "invalid agent name '" + support::escape_for_message(shown) + "' (" + agent_name_rule + ")";
}

const Agent* Roster::find(const std::string& name) const {
    for (const auto& a : agents)
        if (a.name == name) return &a;
    return nullptr;
}

std::vector<std::string> Roster::agent_names() const {
    std::vector<std::string> names;
    for (const auto& a : agents) names.push_back(a.name);
    return names;
}

std::vector<std::string> Roster::reports_of(const std::string& name) const {
    std::vector<std::string> names;
    for (const auto& a : agents)
        if (a.reports_to == name) names.push_back(a.name);
    return names;
}

namespace {

void read_tmux_section(const Reader& r, const YAML::Node& v, Roster& roster) {
    if (v.IsNull()) return;
    r.each(v, "tmux", {"socket_name", "holder_session"}, [&](const std::string& k, const YAML::Node& tv, const std::string& s) {
        if (k == "socket_name") {
            roster.socket_name = r.optional_string(tv, s);
            if (roster.socket_name && roster.socket_name->empty()) roster.socket_name.reset();
        } else {
            roster.holder_session = r.string(tv, s);
            if (!valid_agent_name(roster.holder_session) || session_of(roster.holder_session) != roster.holder_session)
                r.fail("invalid holder session name '" + roster.holder_session + "' (allowed: letters, digits, '_', '-')",
                       tv.Mark());
        }
    });
}

void read_runtimes(const Reader& r, const YAML::Node& v, Roster& roster) {
    if (v.IsNull()) return;
    if (!v.IsMap()) r.fail("'runtimes' must be a mapping", v.Mark());
    for (const auto& kv : v) {
        std::string rt = r.string(kv.first, "runtimes");
        RuntimeSettings settings;
        if (!kv.second.IsNull())
            r.each(kv.second, "runtimes." + rt, {"reset_command"},
                   [&](const std::string&, const YAML::Node& rv, const std::string& s) {
                       settings.reset_command = r.optional_string(rv, s);
                   });
        roster.runtimes[rt] = settings;
    }
}

// Every reports_to names another agent of the roster, and following them never comes back to
// where it started (a walk up from each agent, each agent walked once).
void check_reports_to(const Reader& r, const Roster& roster, const std::vector<YAML::Mark>& marks) {
    const auto& agents = roster.agents;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < agents.size(); ++i) index.emplace(agents[i].name, i);
    auto boss_of = [&](std::size_t i) { return agents[i].reports_to ? index.at(*agents[i].reports_to) : agents.size(); };
    for (std::size_t i = 0; i < agents.size(); ++i) {
        const auto& to = agents[i].reports_to;
        if (to && *to == agents[i].name) r.fail("agent '" + agents[i].name + "' reports to itself", marks[i]);
        if (to && !index.count(*to))
            r.fail("agent '" + agents[i].name + "' reports to '" + *to + "', which is not an agent of the roster", marks[i]);
    }
    enum State : char { unseen, on_walk, done };
    std::vector<State> state(agents.size(), unseen);
    for (std::size_t i = 0; i < agents.size(); ++i) {
        std::vector<std::size_t> walk;
        std::size_t j = i;
        for (; j < agents.size() && state[j] == unseen; j = boss_of(j)) {
            state[j] = on_walk;
            walk.push_back(j);
        }
        if (j < agents.size() && state[j] == on_walk) {
            std::string chain = agents[j].name;
            for (std::size_t k = boss_of(j); k != j; k = boss_of(k)) chain += " -> " + agents[k].name;
            r.fail("agents report to each other in a cycle (" + chain + " -> " + agents[j].name +
                       "); break it with another reports_to",
                   marks[j]);
        }
        for (auto k : walk) state[k] = done;
    }
}

}  // namespace

Roster parse_roster(const std::string& text, const std::string& origin) {
    check_characters(text, origin);
    Reader r(origin);
    YAML::Node root = load_node(text, origin);
    if (!root.IsDefined() || root.IsNull()) throw Error(exit_usage, "'" + origin + "' is empty; it needs at least 'version: 1' and 'agents'");
    Roster roster;
    std::set<std::string> names;
    std::vector<YAML::Mark> marks;
    r.each(root, "", {"version", "transport", "tmux", "defaults", "runtimes", "agents"},
           [&](const std::string& key, const YAML::Node& v, const std::string& shown) {
               if (key == "version") {
                   roster.version = r.integer(v, shown);
                   if (roster.version != 1)
                       r.fail("unsupported roster version " + std::to_string(roster.version) + " (this mosaic reads version 1)", v.Mark());
               } else if (key == "transport") {
                   roster.transport = r.string(v, shown);
                   if (roster.transport != "tmux")
                       r.fail("unsupported transport '" + roster.transport + "' (only 'tmux')", v.Mark());
               } else if (key == "tmux") {
                   read_tmux_section(r, v, roster);
               } else if (key == "defaults") {
                   if (v.IsNull()) return;
                   r.each(v, "defaults", {"working_directory"},
                          [&](const std::string&, const YAML::Node& dv, const std::string& s) {
                              roster.default_working_directory = r.optional_string(dv, s);
                          });
               } else if (key == "runtimes") {
                   read_runtimes(r, v, roster);
               } else if (key == "agents") {
                   if (v.IsNull()) return;
                   if (!v.IsSequence()) r.fail("'agents' must be a list", v.Mark());
                   for (std::size_t i = 0; i < v.size(); ++i) {
                       Agent a = read_agent(r, v[i], i);
                       if (!names.insert(session_of(a.name)).second)
                           r.fail("duplicate agent name '" + a.name + "' (tmux reads '.' and ':' as '_')", v[i].Mark());
                       marks.push_back(v[i].Mark());
                       roster.agents.push_back(std::move(a));
                   }
               }
           });
    // After the whole file: `tmux` may come after `agents`.
    for (std::size_t i = 0; i < roster.agents.size(); ++i)
        if (session_of(roster.agents[i].name) == roster.holder_session)
            r.fail("agent name '" + roster.agents[i].name + "' is the holder session's name", marks[i]);
    check_reports_to(r, roster, marks);
    return roster;
}

Roster load_roster(const std::filesystem::path& path) {
    auto text = support::read_file(path);
    if (!text)
        throw Error(exit_refused, "no fleet roster at '" + path.string() +
                                      "'; add an agent with 'mosaic fleet add <name> --runtime <runtime>' or write the file");
    return parse_roster(*text, path.string());
}

std::string working_directory_of(const Roster& roster, const Agent& agent, const std::string& home) {
    std::string dir = agent.working_directory.value_or(roster.default_working_directory.value_or(home));
    if (dir == "~") return home;
    if (dir.rfind("~/", 0) == 0) return home + dir.substr(1);
    return dir;
}

std::string roster_text_with_agent(const std::optional<std::string>& current_text, const Agent& agent,
                                   const std::string& origin) {
    YAML::Node root;
    Roster expected;
    if (current_text) {
        expected = parse_roster(*current_text, origin);  // refuse to touch a file that does not validate
        root = load_node(*current_text, origin);
    } else {
        expected.socket_name = "mosaic-fleet";
        root["version"] = 1;
        root["transport"] = "tmux";
        YAML::Node tmux;
        tmux["socket_name"] = "mosaic-fleet";
        tmux["holder_session"] = "_holder";
        tmux.SetStyle(YAML::EmitterStyle::Flow);
        root["tmux"] = tmux;
    }
    YAML::Node entry;
    entry["name"] = agent.name;
    entry["runtime"] = agent.runtime;
    if (agent.agent_class != "worker") entry["class"] = agent.agent_class;
    if (agent.model_hint) entry["model_hint"] = *agent.model_hint;
    if (agent.working_directory) entry["working_directory"] = *agent.working_directory;
    if (agent.reports_to) entry["reports_to"] = *agent.reports_to;
    entry.SetStyle(YAML::EmitterStyle::Flow);
    if (!root["agents"] || root["agents"].IsNull()) root["agents"] = YAML::Node(YAML::NodeType::Sequence);
    root["agents"].push_back(entry);
    expected.agents.push_back(agent);
    return emit_checked(root, expected, origin);
}

std::string roster_text_without_agent(const std::string& current_text, const std::string& name,
                                      const std::string& origin) {
    Roster expected = parse_roster(current_text, origin);
    if (auto reports = expected.reports_of(name); !reports.empty()) {
        std::string names;
        for (const auto& n : reports) names += (names.empty() ? "'" : ", '") + n + "'";
        bool one = reports.size() == 1;
        throw Error(exit_refused, names + (one ? " reports" : " report") + " to '" + name + "'; remove " +
                                      (one ? "it first, or change its" : "them first, or change their") +
                                      " reports_to in '" + origin + "'");
    }
    YAML::Node root = load_node(current_text, origin);
    YAML::Node kept(YAML::NodeType::Sequence);
    for (const auto& entry : root["agents"])
        if (entry["name"].Scalar() != name) kept.push_back(entry);
    root["agents"] = kept;
    std::erase_if(expected.agents, [&](const Agent& a) { return a.name == name; });
    return emit_checked(root, expected, origin);
}

}  // namespace mosaic::fleet
