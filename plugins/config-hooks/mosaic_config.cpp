#include "mosaic_config.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/file_lock.hpp>
#include <mosaic/support/json.hpp>

namespace mosaic::config_hooks {

fs::path config_file(const fs::path& mosaic_home) { return mosaic_home / "mosaic.config.json"; }

JsonPath split_key(const std::string& key) {
    JsonPath parts;
    std::size_t start = 0;
    for (;;) {
        std::size_t dot = key.find('.', start);
        std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (part.empty())
            throw Error(exit_usage, "invalid key '" + key + "': use dotted names such as 'agent.name'");
        parts.push_back(part);
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

ojson typed_value(const std::string& text) {
    try {
        return support::parse_json_limited<ojson>(text);
    } catch (const ojson::parse_error&) {
        return text;
    } catch (const support::JsonLimitError& e) {
        throw Error(exit_usage, "the value cannot be stored as JSON (" + std::string(e.what()) +
                                    "); pass --string to store it as text");
    }
}

namespace {

// The parent object of the last part, or nullptr when one on the way is missing. Throws when
// one exists but is not an object.
const ojson* find_parent(const JsonDocument& doc, const ojson& root, const JsonPath& parts) {
    const ojson* node = &root;
    JsonPath walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        walked.push_back(parts[i]);
        auto it = node->find(parts[i]);
        if (it == node->end()) return nullptr;
        if (!it->is_object()) doc.wrong_type(walked, "an object, to hold '" + parts[i + 1] + "'");
        node = &*it;
    }
    return node;
}

}  // namespace

JsonDocument load_config(const fs::path& file) {
    JsonDocument doc = JsonDocument::load(file);
    if (!doc.value.is_object()) doc.wrong_type({}, "an object");
    return doc;
}

std::optional<ojson> get_key(const JsonDocument& doc, const std::string& key) {
    JsonPath parts = split_key(key);
    const ojson* parent = find_parent(doc, doc.value, parts);
    if (!parent) return std::nullopt;
    auto it = parent->find(parts.back());
    if (it == parent->end()) return std::nullopt;
    return *it;
}

bool set_key(JsonDocument& doc, const std::string& key, const ojson& value) {
    JsonPath parts = split_key(key);
    find_parent(doc, doc.value, parts);  // throws before anything is created
    ojson* parent = &doc.value;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!parent->contains(parts[i])) (*parent)[parts[i]] = ojson::object();
        parent = &(*parent)[parts[i]];
    }
    auto it = parent->find(parts.back());
    if (it != parent->end() && *it == value) return false;
    (*parent)[parts.back()] = value;
    return true;
}

bool set_config_values(const fs::path& file, const std::vector<std::pair<std::string, ojson>>& values) {
    for (const auto& [key, value] : values) split_key(key);
    support::require_private_directory(file.parent_path());
    support::FileLock lock(support::lock_path_for(file));
    JsonDocument doc = load_config(file);
    bool changed = false;
    for (const auto& [key, value] : values)
        if (set_key(doc, key, value)) changed = true;
    if (!changed) return false;
    store_json_document(file, doc.value, support::WriteOptions{std::nullopt, false, true});
    return true;
}

}  // namespace mosaic::config_hooks
