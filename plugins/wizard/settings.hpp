// Where the wizard keeps what it knows between runs (agent.*, provider.*, wizard.*):
// <home>/mosaic.config.json through the config.get / config.set services when config-hooks is
// installed, else its own <data dir>/state.json (a flat object of the same dotted keys).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <mosaic/sdk.hpp>

namespace mosaic::wizard {

class Settings {
public:
    // Through config-hooks' services.
    static Settings via_config(const Context& ctx);
    // In a JSON file of our own (never overwritten when it fails to parse).
    static Settings in_file(std::filesystem::path file);

    bool uses_config() const { return ctx_ != nullptr; }
    // Where the values live, for messages.
    std::string location() const;

    // The value of dotted `key`, std::nullopt when unset.
    std::optional<nlohmann::json> get(const std::string& key) const;
    // Sets every "dotted.key": value of `values`; true when anything changed. Nothing is
    // rewritten when every value was already there.
    bool set(const nlohmann::json& values);

private:
    Settings(const Context* ctx, std::filesystem::path file) : ctx_(ctx), file_(std::move(file)) {}
    const Context* ctx_;
    std::filesystem::path file_;
};

}  // namespace mosaic::wizard
