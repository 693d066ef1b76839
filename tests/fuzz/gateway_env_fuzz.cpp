// Fuzz target: the gateway's .env (<home>/gateway/.env): the SDK's EnvFile parser and renderer
// (sdk support/file.hpp) as the gateway uses them: settings_from_env_values (the daemon's and
// load_saved_settings' reading), and write_config's rewrite (EnvFile::set/erase + render).
//
// Input: <.env text> ["\n=====\n" <an Anthropic API key given by flag or environment>].
//
// Checks: only mosaic::Error escapes; an untouched file renders back byte for byte (plus a
// final newline); every value survives set() -> render() -> parse(); settings read from a
// file survive write_config's rewrite of it (and so does every line it does not own); an
// explicit API key that resolve_settings accepts is either refused with mosaic::Error (a line
// break) or written so that it reads back unchanged.
#include <string>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

#include "fuzz_support.hpp"
#include "settings.hpp"

using mosaic::Error;
using mosaic::support::EnvFile;
using namespace mosaic::gateway;

namespace {

EnvFile reparse(const std::string& text, const std::string& what) {
    try {
        return EnvFile::parse(text, "/fuzz/.env");
    } catch (const Error& e) {
        FUZZ_CHECK(false, what + " rendered a .env that does not parse: " + e.what() + "\n" + text);
    }
    std::abort();
}

// write_config's edit of the .env (install_state.cpp), without the file system.
std::string rewrite(EnvFile env, const GatewaySettings& s, const std::string& secret) {
    if (env.lines.empty()) env.lines.push_back(EnvFile::Line{"# Mosaic gateway configuration", "", "", false});
    for (const auto& [key, value] : env_values_for(s)) {
        if (value.empty()) env.erase(key);
        else if (env.get(key) != value) env.set(key, value);
    }
    if (env.get(key_auth_secret) != secret) env.set(key_auth_secret, secret);
    return env.render();
}

// The values of `env` that write_config does not own.
std::map<std::string, std::string> foreign(const EnvFile& env) {
    auto v = env.values();
    for (const auto& [k, unused] : env_values_for(GatewaySettings{})) v.erase(k);
    v.erase(key_auth_secret);
    return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto parts = mosaic::fuzz::split(mosaic::fuzz::as_string(data, size), "\n=====\n", 2);
    const std::string& text = parts[0];

    EnvFile env;
    try {
        env = EnvFile::parse(text, "/fuzz/.env");
    } catch (const Error& e) {
        FUZZ_CHECK(std::string(e.what()).find("/fuzz/.env") != std::string::npos, "error does not name the file");
        return 0;
    }
    std::string expected = text.empty() || text.back() == '\n' ? text : text + "\n";
    FUZZ_CHECK(env.render() == expected, "an untouched .env does not render back as read");

    // Every value set again (as write_config would when it changes one) reads back the same.
    EnvFile touched = env;
    for (const auto& [k, v] : env.values()) touched.set(k, v);
    FUZZ_CHECK(reparse(touched.render(), "set()").values() == env.values(), "set/render/parse changed a value");

    // The daemon's reading, and write_config's rewrite of the same file.
    GatewaySettings s;
    bool valid = true;
    try {
        s = settings_from_env_values(env.values(), "/fuzz/.env");
    } catch (const Error&) {
        valid = false;
    }
    if (valid) {
        auto secret = env.get(key_auth_secret).value_or("0123abcd");
        if (secret.empty()) secret = "0123abcd";
        EnvFile after = reparse(rewrite(env, s, secret), "write_config");
        GatewaySettings s2;
        try {
            s2 = settings_from_env_values(after.values(), "/fuzz/.env");
        } catch (const Error& e) {
            FUZZ_CHECK(false, std::string("settings do not read back after write_config: ") + e.what());
        }
        FUZZ_CHECK(s2 == s, "write_config changed the settings");
        FUZZ_CHECK(after.get(key_auth_secret) == secret, "write_config lost the auth secret");
        FUZZ_CHECK(foreign(after) == foreign(env), "write_config changed a line it does not own");
    }

    // An API key given explicitly (flag or environment), written into this file.
    if (parts.size() > 1) {
        ConfigureInputs in;
        in.anthropic_api_key = Sourced{parts[1], "--anthropic-api-key"};
        GatewaySettings base = valid ? s : GatewaySettings{};
        GatewaySettings wanted;
        try {
            wanted = resolve_settings(in, base);
        } catch (const Error&) {
            return 0;
        }
        std::string rendered;
        try {
            rendered = rewrite(env, wanted, "0123abcd");
        } catch (const Error& e) {
            // Refused before anything is written (a line break cannot be kept in a .env).
            FUZZ_CHECK(wanted.anthropic_api_key.find('\n') != std::string::npos,
                       std::string("write_config refused a value it can write: ") + e.what());
            return 0;
        }
        EnvFile after = reparse(rendered, "write_config with an explicit API key");
        GatewaySettings s3;
        try {
            s3 = settings_from_env_values(after.values(), "/fuzz/.env");
        } catch (const Error& e) {
            FUZZ_CHECK(!valid, std::string("settings do not read back after write_config: ") + e.what());
            return 0;
        }
        FUZZ_CHECK(s3.anthropic_api_key == wanted.anthropic_api_key, "the API key does not read back as given");
    }
    return 0;
}
