#include "manifest.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

#include <mosaic/plugin_abi.h>
#include <mosaic/support/json.hpp>

namespace mosaic::manifest {

using nlohmann::json;

json to_json(const Manifest& m) {
    json commands = json::array();
    bool trees = false;
    for (const auto& c : m.commands) {
        commands.push_back({{"name", c.name}, {"summary", c.summary}, {"usage", c.usage}});
        if (!c.tree.empty()) commands.back()["tree"] = json::parse(c.tree), trees = true;
    }
    json services = json::array();
    for (const auto& s : m.services) services.push_back({{"name", s.name}, {"summary", s.summary}});
    return json{{"schema", trees ? schema_version : schema_version_without_tree},
                {"name", m.name},
                {"library", m.library},
                {"abi", {{"major", m.abi_major}, {"minor", m.abi_minor}}},
                {"version", m.version},
                {"vendor", m.vendor},
                {"summary", m.summary},
                {"commands", commands},
                {"services", services}};
}

namespace {

const json& member(const json& obj, const std::string& key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end()) throw std::runtime_error("missing key '" + where + key + "'");
    return *it;
}

std::string string_at(const json& obj, const std::string& key, const std::string& where, bool optional = false) {
    if (optional && !obj.contains(key)) return {};
    const json& v = member(obj, key, where);
    if (!v.is_string()) throw std::runtime_error("'" + where + key + "' must be a string");
    return v.get<std::string>();
}

uint32_t uint_at(const json& obj, const std::string& key, const std::string& where) {
    const json& v = member(obj, key, where);
    // Parsed text gives an unsigned number, to_json() a signed one: accept either, but never
    // wrap a value past 32 bits onto a small one (4294967297 is not schema 1).
    bool in_range = v.is_number_unsigned() ? v.get<uint64_t>() <= UINT32_MAX
                    : v.is_number_integer() ? v.get<int64_t>() >= 0 && v.get<int64_t>() <= int64_t{UINT32_MAX}
                                            : false;
    if (!in_range) throw std::runtime_error("'" + where + key + "' must be a non-negative 32-bit integer");
    return v.get<uint32_t>();
}

// [a-z][a-z0-9-]*  (no std::regex: this runs for every manifest on every start-up)
bool valid_name(const std::string& s) {
    if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

}  // namespace

void validate(const Manifest& m) {
    if (!valid_name(m.name)) throw std::runtime_error("'name' must match [a-z][a-z0-9-]*, got '" + m.name + "'");
    if (m.library.empty() || m.library.find('/') != std::string::npos)
        throw std::runtime_error("'library' must be a file name without '/'");
    for (std::size_t i = 0; i < m.commands.size(); ++i)
        if (!valid_name(m.commands[i].name))
            throw std::runtime_error("'commands[" + std::to_string(i) + "].name' must match [a-z][a-z0-9-]*, got '" +
                                     m.commands[i].name + "'");
}

Manifest from_json(const json& j) {
    if (!j.is_object()) throw std::runtime_error("a manifest must be a JSON object");
    uint32_t schema = uint_at(j, "schema", "");
    if (schema != static_cast<uint32_t>(schema_version) && schema != static_cast<uint32_t>(schema_version_without_tree))
        throw std::runtime_error("unsupported 'schema' " + j.at("schema").dump() + " (expected " +
                                 std::to_string(schema_version_without_tree) + " or " + std::to_string(schema_version) + ")");
    Manifest m;
    m.name = string_at(j, "name", "");
    m.library = string_at(j, "library", "");
    const json& abi = member(j, "abi", "");
    if (!abi.is_object()) throw std::runtime_error("'abi' must be an object");
    m.abi_major = uint_at(abi, "major", "abi.");
    m.abi_minor = uint_at(abi, "minor", "abi.");
    m.version = string_at(j, "version", "");
    m.vendor = string_at(j, "vendor", "");
    m.summary = string_at(j, "summary", "");
    const json& commands = member(j, "commands", "");
    if (!commands.is_array()) throw std::runtime_error("'commands' must be an array");
    for (std::size_t i = 0; i < commands.size(); ++i) {
        std::string where = "commands[" + std::to_string(i) + "].";
        if (!commands[i].is_object()) throw std::runtime_error("'" + where.substr(0, where.size() - 1) + "' must be an object");
        m.commands.push_back({string_at(commands[i], "name", where), string_at(commands[i], "summary", where),
                              string_at(commands[i], "usage", where, true), {}});
    }
    if (j.contains("services")) {
        const json& services = j.at("services");
        if (!services.is_array()) throw std::runtime_error("'services' must be an array");
        for (std::size_t i = 0; i < services.size(); ++i) {
            std::string where = "services[" + std::to_string(i) + "].";
            if (!services[i].is_object()) throw std::runtime_error("'" + where.substr(0, where.size() - 1) + "' must be an object");
            m.services.push_back({string_at(services[i], "name", where), string_at(services[i], "summary", where)});
        }
    }
    std::vector<std::string> service_names;
    for (const auto& s : m.services) service_names.push_back(s.name);
    for (std::size_t i = 0; i < commands.size(); ++i) {
        std::string where = "commands[" + std::to_string(i) + "].tree";
        auto tree = commands[i].find("tree");
        if (tree == commands[i].end()) continue;
        if (schema < static_cast<uint32_t>(schema_version))
            throw std::runtime_error("'" + where + "' needs 'schema' " + std::to_string(schema_version));
        m.commands[i].tree = tree_to_json(tree_from_json(*tree, where, service_names)).dump();
    }
    validate(m);
    return m;
}

namespace {

constexpr std::array<std::pair<ValueKind, const char*>, 6> kinds{{{ValueKind::none, "none"},
                                                                   {ValueKind::text, "text"},
                                                                   {ValueKind::file, "file"},
                                                                   {ValueKind::directory, "directory"},
                                                                   {ValueKind::choice, "choice"},
                                                                   {ValueKind::dynamic, "dynamic"}}};

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw std::runtime_error("'" + where + "' " + what);
}

const json* array_at(const json& obj, const std::string& key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end()) return nullptr;
    if (!it->is_array()) bad(where + "." + key, "must be an array");
    return &*it;
}

std::string tree_string(const json& obj, const std::string& key, const std::string& where, bool optional) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        if (optional) return {};
        throw std::runtime_error("missing key '" + where + "." + key + "'");
    }
    if (!it->is_string()) bad(where + "." + key, "must be a string");
    return it->get<std::string>();
}

// -x or --name: a dash, then letters, digits, '-' or '_'; never '=' or a space.
bool valid_option_name(const std::string& s) {
    std::size_t dashes = s.rfind("--", 0) == 0 ? 2 : s.rfind('-', 0) == 0 ? 1 : 0;
    if (dashes == 0 || s.size() == dashes || s[dashes] == '-') return false;
    for (std::size_t i = dashes; i < s.size(); ++i) {
        char c = s[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
    }
    return dashes == 2 || s.size() == 2;
}

Value value_from_json(const json& obj, const std::string& where, const std::vector<std::string>& services) {
    Value v;
    std::string kind = tree_string(obj, "kind", where, false);
    auto it = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return kind == k.second; });
    if (it == kinds.end()) bad(where + ".kind", "must be none, text, file, directory, choice or dynamic, got '" + kind + "'");
    v.kind = it->first;
    if (v.kind == ValueKind::choice) {
        const json* choices = array_at(obj, "choices", where);
        if (choices == nullptr) throw std::runtime_error("missing key '" + where + ".choices' (kind choice)");
        for (std::size_t i = 0; i < choices->size(); ++i) {
            if (!(*choices)[i].is_string()) bad(where + ".choices[" + std::to_string(i) + "]", "must be a string");
            v.choices.push_back((*choices)[i].get<std::string>());
        }
    } else if (v.kind == ValueKind::dynamic) {
        v.service = tree_string(obj, "complete", where, false);
        v.what = tree_string(obj, "what", where, true);
        if (std::find(services.begin(), services.end(), v.service) == services.end())
            bad(where + ".complete", "names '" + v.service + "', which is not one of this manifest's services");
    }
    return v;
}

json value_to_json(const Value& v, json out) {
    out["kind"] = kind_name(v.kind);
    if (v.kind == ValueKind::choice) out["choices"] = v.choices;
    if (v.kind == ValueKind::dynamic) {
        out["complete"] = v.service;
        if (!v.what.empty()) out["what"] = v.what;
    }
    return out;
}

TreeOption option_from_json(const json& o, const std::string& where, const std::vector<std::string>& services) {
    if (!o.is_object()) bad(where, "must be an object");
    TreeOption t;
    const json* names = array_at(o, "names", where);
    if (names == nullptr || names->empty()) throw std::runtime_error("missing key '" + where + ".names' (at least one name)");
    for (std::size_t i = 0; i < names->size(); ++i) {
        std::string at = where + ".names[" + std::to_string(i) + "]";
        if (!(*names)[i].is_string()) bad(at, "must be a string");
        t.names.push_back((*names)[i].get<std::string>());
        if (!valid_option_name(t.names.back())) bad(at, "must be -x or --name, got '" + t.names.back() + "'");
    }
    t.summary = tree_string(o, "summary", where, true);
    t.value = value_from_json(o, where, services);
    return t;
}

TreeArg arg_from_json(const json& a, const std::string& where, const std::vector<std::string>& services) {
    if (!a.is_object()) bad(where, "must be an object");
    TreeArg t;
    t.name = tree_string(a, "name", where, false);
    if (t.name.empty()) bad(where + ".name", "must not be empty");
    t.summary = tree_string(a, "summary", where, true);
    t.value = value_from_json(a, where, services);
    if (t.value.kind == ValueKind::none) bad(where + ".kind", "must not be none: an argument has a value");
    if (auto it = a.find("many"); it != a.end()) {
        if (!it->is_boolean()) bad(where + ".many", "must be true or false");
        t.many = it->get<bool>();
    }
    return t;
}

Node node_from_json(const json& j, const std::string& where, const std::vector<std::string>& services, int depth) {
    if (!j.is_object()) bad(where, "must be an object");
    if (depth > 16) bad(where, "nests commands more than 16 deep");
    Node n;
    if (depth > 0) {
        n.name = tree_string(j, "name", where, false);
        if (!valid_name(n.name)) bad(where + ".name", "must match [a-z][a-z0-9-]*, got '" + n.name + "'");
        n.summary = tree_string(j, "summary", where, true);
    }
    auto each = [&](const char* key, auto&& add) {
        if (const json* a = array_at(j, key, where))
            for (std::size_t i = 0; i < a->size(); ++i) add((*a)[i], where + "." + key + "[" + std::to_string(i) + "]");
    };
    each("commands", [&](const json& c, const std::string& at) {
        n.commands.push_back(node_from_json(c, at, services, depth + 1));
        for (std::size_t k = 0; k + 1 < n.commands.size(); ++k)
            if (n.commands[k].name == n.commands.back().name) bad(at + ".name", "repeats '" + n.commands.back().name + "'");
    });
    each("options", [&](const json& o, const std::string& at) { n.options.push_back(option_from_json(o, at, services)); });
    each("args", [&](const json& a, const std::string& at) { n.args.push_back(arg_from_json(a, at, services)); });
    return n;
}

}  // namespace

const char* kind_name(ValueKind k) {
    for (const auto& [kind, name] : kinds)
        if (kind == k) return name;
    return "none";
}

Node tree_from_json(const json& j, const std::string& where, const std::vector<std::string>& services) {
    return node_from_json(j, where, services, 0);
}

json tree_to_json(const Node& n) {
    json out = json::object();
    if (!n.name.empty()) out["name"] = n.name, out["summary"] = n.summary;
    if (!n.commands.empty()) {
        json& list = out["commands"] = json::array();
        for (const auto& c : n.commands) list.push_back(tree_to_json(c));
    }
    if (!n.options.empty()) {
        json& list = out["options"] = json::array();
        for (const auto& o : n.options) list.push_back(value_to_json(o.value, {{"names", o.names}, {"summary", o.summary}}));
    }
    if (!n.args.empty()) {
        json& list = out["args"] = json::array();
        for (const auto& a : n.args) {
            list.push_back(value_to_json(a.value, {{"name", a.name}, {"summary", a.summary}}));
            if (a.many) list.back()["many"] = true;
        }
    }
    return out;
}

std::optional<Node> decode_tree(const Command& c, const std::vector<Service>& services) {
    if (c.tree.empty()) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& s : services) names.push_back(s.name);
    json j;
    try {
        j = support::parse_json_limited(c.tree);
    } catch (const std::exception& e) {
        throw std::runtime_error("the tree of command '" + c.name + "' is not usable JSON: " + e.what());
    }
    return tree_from_json(j, "tree", names);
}

Manifest load(const std::filesystem::path& path) {
    // Plain POSIX I/O: iostreams cost more than the parse for files this small.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot read '" + path.string() + "': " + std::strerror(errno));
    std::string text;
    char buf[8192];
    while (true) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            text.append(buf, static_cast<std::size_t>(n));
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            int err = errno;
            ::close(fd);
            throw std::runtime_error("cannot read '" + path.string() + "': " + std::strerror(err));
        }
    }
    ::close(fd);
    json j;
    try {
        j = support::parse_json_limited(text);
    } catch (const support::JsonLimitError& e) {
        throw std::runtime_error(std::string("not usable JSON: ") + e.what());
    } catch (const json::parse_error& e) {
        // nlohmann reports a byte offset; turn it into line and column.
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') ++line, col = 1;
            else ++col;
        }
        throw std::runtime_error("not valid JSON at line " + std::to_string(line) + " column " + std::to_string(col));
    } catch (const json::exception& e) {
        // out_of_range 406: a number too large for a double ("1e999"); nlohmann's own
        // exception types are not what this function promises.
        throw std::runtime_error(std::string("not valid JSON: ") + e.what());
    }
    return from_json(j);
}

namespace {
std::string required(const char* s, const std::string& what) {
    if (s == nullptr) throw std::runtime_error("descriptor field '" + what + "' is NULL");
    return s;
}

// array[i] of a descriptor, checked: not NULL, and its struct_size reaches `fields_end`.
template <class T>
const T& entry(const T* const* array, uint32_t i, const std::string& where, std::size_t fields_end) {
    const T* e = array[i];
    if (e == nullptr) throw std::runtime_error("descriptor '" + where + "' is NULL");
    if (e->struct_size < fields_end)
        throw std::runtime_error("descriptor '" + where + "' struct_size " + std::to_string(e->struct_size) +
                                 " is too small");
    return *e;
}
}  // namespace

Manifest from_descriptor(const mosaic_plugin_v1& d, const std::string& library_file) {
    // Minor 0 fields are all required, so a descriptor must reach at least to shutdown.
    if (d.struct_size < offsetof(mosaic_plugin_v1, shutdown) + sizeof(d.shutdown))
        throw std::runtime_error("descriptor struct_size " + std::to_string(d.struct_size) + " is too small");
    Manifest m;
    m.name = required(d.name, "name");
    m.library = library_file;
    m.abi_major = d.abi_major;
    m.abi_minor = d.abi_minor;
    m.version = required(d.version, "version");
    m.vendor = required(d.vendor, "vendor");
    m.summary = required(d.summary, "summary");
    if (d.command_count > 0 && d.commands == nullptr) throw std::runtime_error("descriptor 'commands' is NULL");
    if (d.service_count > 0 && d.services == nullptr) throw std::runtime_error("descriptor 'services' is NULL");
    // Minor 0 fields of each element, name and summary, are required.
    for (uint32_t i = 0; i < d.command_count; ++i) {
        std::string where = "commands[" + std::to_string(i) + "]";
        const auto& c = entry(d.commands, i, where, offsetof(mosaic_command_v1, summary) + sizeof(const char*));
        std::string usage = MOSAIC_ABI_HAS_FIELD(&c, mosaic_command_v1, usage) && c.usage ? c.usage : "";
        m.commands.push_back({required(c.name, where + ".name"), required(c.summary, where + ".summary"), usage, {}});
    }
    for (uint32_t i = 0; i < d.service_count; ++i) {
        std::string where = "services[" + std::to_string(i) + "]";
        const auto& s = entry(d.services, i, where, offsetof(mosaic_service_v1, summary) + sizeof(const char*));
        m.services.push_back({required(s.name, where + ".name"), required(s.summary, where + ".summary")});
    }
    return m;
}

namespace {
void append_to(void* ctx, const char* data, std::size_t len) { static_cast<std::string*>(ctx)->append(data, len); }
}  // namespace

void describe_trees(const mosaic_plugin_v1& d, Manifest& m) {
    if (!MOSAIC_ABI_HAS_FIELD(&d, mosaic_plugin_v1, describe) || d.describe == nullptr) return;
    std::vector<std::string> services;
    for (const auto& s : m.services) services.push_back(s.name);
    for (std::size_t i = 0; i < m.commands.size(); ++i) {
        auto& c = m.commands[i];
        std::string text;
        if (d.describe(c.name.c_str(), &append_to, &text) != 0) continue;
        std::string where = "commands[" + std::to_string(i) + "].tree";
        json j;
        try {
            j = support::parse_json_limited(text);
        } catch (const std::exception& e) {
            throw std::runtime_error("describe('" + c.name + "') gave no usable JSON: " + e.what());
        }
        c.tree = tree_to_json(tree_from_json(j, where, services)).dump();
    }
}

std::string disagreement(const Manifest& a, const Manifest& b) {
    auto differ = [](const std::string& what, const std::string& x, const std::string& y) {
        return what + " '" + x + "' in the manifest, '" + y + "' in the library";
    };
    if (a.name != b.name) return differ("name", a.name, b.name);
    if (a.abi_major != b.abi_major || a.abi_minor != b.abi_minor)
        return differ("ABI", std::to_string(a.abi_major) + "." + std::to_string(a.abi_minor),
                      std::to_string(b.abi_major) + "." + std::to_string(b.abi_minor));
    if (a.version != b.version) return differ("version", a.version, b.version);
    auto names = [](const auto& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x.name;
        return s;
    };
    if (names(a.commands) != names(b.commands)) return differ("commands", names(a.commands), names(b.commands));
    if (names(a.services) != names(b.services)) return differ("services", names(a.services), names(b.services));
    return {};
}

}  // namespace mosaic::manifest
