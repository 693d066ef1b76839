// crypto.hpp - the gateway's secrets, all from libsodium: random tokens, SHA-256 token
// hashes, HMAC-SHA256 session hashes, argon2id password hashes.
#pragma once

#include <string>

namespace mosaic::gateway {

// `bytes` random bytes as lowercase hex.
std::string random_hex(std::size_t bytes);
// A new admin token ("mgw_" + 64 hex chars) and a new session token ("mgs_" + ...).
std::string new_admin_token();
std::string new_session_token();
std::string new_agent_token();  // "mga_" + 64 hex digits: an agent's credential for the model routes
// Lowercase hex SHA-256 of `data` (how admin tokens are stored).
std::string sha256_hex(const std::string& data);
// Lowercase hex HMAC-SHA256(key, data) (how session tokens are stored; key = auth secret).
std::string hmac_sha256_hex(const std::string& key, const std::string& data);
// The daemon's answer to a CLI's challenge (X-Mosaic-Challenge -> X-Mosaic-Proof): HMAC of
// the challenge under the auth secret of the install's 0600 .env, in a domain of its own (the
// message never looks like a session token), so only a daemon started from that .env can give
// it and the CLI knows it talks to its own gateway before it sends a password.
std::string gateway_proof(const std::string& key, const std::string& challenge);
// argon2id in the PHC string format; verify is constant-time in the hash.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& phc_hash, const std::string& password);
// Constant-time string comparison.
bool equal_secret(const std::string& a, const std::string& b);

}  // namespace mosaic::gateway
