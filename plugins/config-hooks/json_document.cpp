#include "json_document.hpp"

#include <mosaic/error.hpp>

namespace mosaic::config_hooks {

namespace {

// A lenient scanner over text that nlohmann has already accepted: it only needs to find where
// a value starts.
class Scanner {
public:
    explicit Scanner(const std::string& text) : t_(text) {}

    std::optional<std::size_t> find(const JsonPath& at, std::size_t depth) {
        ws();
        if (depth == at.size()) return i_;
        if (i_ >= t_.size()) return std::nullopt;
        if (t_[i_] == '{') {
            ++i_;
            for (;;) {
                ws();
                if (i_ >= t_.size() || t_[i_] == '}') return std::nullopt;
                std::string key = string();
                ws();
                ++i_;  // ':'
                if (key == at[depth]) return find(at, depth + 1);
                skip_value();
                ws();
                if (i_ >= t_.size() || t_[i_] != ',') return std::nullopt;
                ++i_;
            }
        }
        if (t_[i_] == '[') {
            ++i_;
            std::size_t wanted = 0;
            try {
                wanted = std::stoul(at[depth]);
            } catch (...) {
                return std::nullopt;
            }
            for (std::size_t index = 0;; ++index) {
                ws();
                if (i_ >= t_.size() || t_[i_] == ']') return std::nullopt;
                if (index == wanted) return find(at, depth + 1);
                skip_value();
                ws();
                if (i_ >= t_.size() || t_[i_] != ',') return std::nullopt;
                ++i_;
            }
        }
        return std::nullopt;
    }

private:
    void ws() {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
    }
    // Keys are compared after undoing the two escapes that matter for ASCII keys.
    std::string string() {
        std::string out;
        ++i_;  // opening quote
        while (i_ < t_.size() && t_[i_] != '"') {
            if (t_[i_] == '\\' && i_ + 1 < t_.size()) ++i_;
            out += t_[i_++];
        }
        ++i_;
        return out;
    }
    void skip_value() {
        ws();
        if (i_ >= t_.size()) return;
        char c = t_[i_];
        if (c == '"') {
            string();
            return;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i_ < t_.size()) {
                char d = t_[i_];
                if (d == '"') {
                    string();
                    continue;
                }
                if (d == '{' || d == '[') ++depth;
                if (d == '}' || d == ']') {
                    if (--depth == 0) {
                        ++i_;
                        return;
                    }
                }
                ++i_;
            }
            return;
        }
        while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' && t_[i_] != '\n' &&
               t_[i_] != '\t' && t_[i_] != '\r')
            ++i_;
    }

    const std::string& t_;
    std::size_t i_ = 0;
};

}  // namespace

std::optional<std::size_t> locate_json_value(const std::string& text, const JsonPath& at) {
    return Scanner(text).find(at, 0);
}

std::string display_path(const JsonPath& at) {
    std::string out;
    for (const auto& part : at) {
        bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
        if (index) out += "[" + part + "]";
        else out += (out.empty() ? "" : ".") + part;
    }
    return out.empty() ? "the top level" : out;
}

std::string type_phrase(const ojson& value) {
    switch (value.type()) {
        case ojson::value_t::object: return "an object";
        case ojson::value_t::array: return "an array";
        case ojson::value_t::string: return "a string";
        case ojson::value_t::boolean: return "a boolean";
        case ojson::value_t::null: return "null";
        default: return "a number";
    }
}

JsonDocument JsonDocument::load(const fs::path& path) {
    JsonDocument doc;
    doc.path = path;
    doc.value = ojson::object();
    auto text = support::read_file(path);
    if (!text) return doc;
    doc.exists = true;
    doc.text = std::move(*text);
    doc.value = support::parse_ordered_json_text(doc.text, path);
    return doc;
}

std::string JsonDocument::where(const JsonPath& at) const {
    auto offset = locate_json_value(text, at);
    return offset ? line_column(text, *offset) : std::string();
}

void JsonDocument::wrong_type(const JsonPath& at, const std::string& expected) const {
    const ojson* value = &this->value;
    for (const auto& part : at) {
        if (value->is_object() && value->contains(part)) value = &(*value)[part];
        else if (value->is_array()) value = &(*value)[std::stoul(part)];
    }
    std::string location = where(at);
    std::string subject = at.empty() ? "the top level" : "'" + display_path(at) + "'";
    throw Error(exit_usage, subject + " in '" + path.string() + "'" + (location.empty() ? "" : " " + location) +
                                " is " + type_phrase(*value) + "; expected " + expected + "; fix the file");
}

const ojson* JsonDocument::object_at(const ojson& parent, const std::string& key, const JsonPath& at) const {
    auto it = parent.find(key);
    if (it == parent.end()) return nullptr;
    if (!it->is_object()) wrong_type(at, "an object");
    return &*it;
}

const ojson* JsonDocument::array_at(const ojson& parent, const std::string& key, const JsonPath& at) const {
    auto it = parent.find(key);
    if (it == parent.end()) return nullptr;
    if (!it->is_array()) wrong_type(at, "an array");
    return &*it;
}

const ojson* JsonDocument::string_at(const ojson& parent, const std::string& key, const JsonPath& at) const {
    auto it = parent.find(key);
    if (it == parent.end()) return nullptr;
    if (!it->is_string()) wrong_type(at, "a string");
    return &*it;
}

void store_json_document(const fs::path& path, const ojson& value, const support::WriteOptions& opts) {
    support::write_file_atomic(path, value.dump(2) + "\n", opts);
}

}  // namespace mosaic::config_hooks
