#include "settings.hpp"

#include <mosaic/support/file.hpp>

namespace mosaic::wizard {

Settings Settings::via_config(const Context& ctx) { return Settings(&ctx, {}); }

Settings Settings::in_file(std::filesystem::path file) { return Settings(nullptr, std::move(file)); }

std::string Settings::location() const {
    return uses_config() ? (ctx_->home() / "mosaic.config.json").string() : file_.string();
}

std::optional<nlohmann::json> Settings::get(const std::string& key) const {
    if (uses_config()) {
        auto reply = ctx_->call("config.get", {{"key", key}});
        if (!reply.value("set", false)) return std::nullopt;
        return reply.value("value", nlohmann::json());
    }
    auto doc = support::load_json_file(file_);
    if (!doc || !doc->is_object() || !doc->contains(key)) return std::nullopt;
    return (*doc)[key];
}

bool Settings::set(const nlohmann::json& values) {
    if (uses_config()) return ctx_->call("config.set", {{"values", values}}).value("changed", false);
    auto doc = support::load_json_file(file_).value_or(nlohmann::json::object());
    if (!doc.is_object())
        throw Error(exit_usage, "'" + file_.string() + "' does not hold a JSON object; fix or remove the file");
    nlohmann::json updated = doc;
    for (auto it = values.begin(); it != values.end(); ++it) updated[it.key()] = it.value();
    if (updated == doc && std::filesystem::exists(file_)) return false;
    support::store_json_file(file_, updated, {.private_dirs = true});
    return true;
}

}  // namespace mosaic::wizard
