// setup_token.hpp - the one-time secret that authorises creating the first admin, like
// Jupyter's or Grafana's first-run tokens. `gateway install` writes it (0600, in the 0700
// gateway directory) just before it asks the daemon to create the admin; the daemon accepts
// POST /api/bootstrap/setup only with it and deletes it once the admin exists. A local user
// who races install to the endpoint, or a web page in the user's browser, cannot read it.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

namespace mosaic::gateway {

class SetupTokenSource {
public:
    virtual ~SetupTokenSource() = default;
    // The token on file now; nullopt when there is none (never written, or consumed).
    virtual std::optional<std::string> current() = 0;
    // Called once the first admin exists: the token must not work again.
    virtual void consume() = 0;
};

// <gateway dir>/setup-token, read at every setup request: install may write it while the
// daemon runs.
class FileSetupToken final : public SetupTokenSource {
public:
    explicit FileSetupToken(std::filesystem::path path) : path_(std::move(path)) {}
    std::optional<std::string> current() override;
    void consume() override;

private:
    std::filesystem::path path_;
};

// For tests and fuzzing.
class MemorySetupToken final : public SetupTokenSource {
public:
    explicit MemorySetupToken(std::optional<std::string> token) : token_(std::move(token)) {}
    std::optional<std::string> current() override;
    void consume() override;

private:
    std::mutex mu_;
    std::optional<std::string> token_;
};

// A new token, "mst_" + 64 hex characters.
std::string new_setup_token();

// The token at `path`, writing a new one (0600, refusing a symbolic link or an unsafe
// directory) when there is none. Throws mosaic::Error naming the path.
std::string ensure_setup_token(const std::filesystem::path& path);

}  // namespace mosaic::gateway
