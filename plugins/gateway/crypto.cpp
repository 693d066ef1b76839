#include "crypto.hpp"

#include <mutex>
#include <stdexcept>
#include <vector>

#include <sodium.h>

#include <mosaic/error.hpp>

namespace mosaic::gateway {

namespace {

void ensure_sodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) throw Error(exit_failed, "cannot initialise libsodium");
    });
}

std::string to_hex(const unsigned char* data, std::size_t len) {
    std::string out(len * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, len);
    out.pop_back();
    return out;
}

// OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet 20 concurrent sign-ins do not
// exhaust a small machine's memory.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19u * 1024u * 1024u;

}  // namespace

std::string random_hex(std::size_t bytes) {
    ensure_sodium();
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    std::string hex = to_hex(buf.data(), buf.size());
    sodium_memzero(buf.data(), buf.size());
    return hex;
}

std::string new_admin_token() { return "mgw_" + random_hex(32); }
std::string new_session_token() { return "mgs_" + random_hex(32); }
std::string new_agent_token() { return "mga_" + random_hex(32); }

std::string sha256_hex(const std::string& data) {
    ensure_sodium();
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return to_hex(out, sizeof out);
}

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
    ensure_sodium();
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&st, out);
    return to_hex(out, sizeof out);
}

std::string hash_password(const std::string& password) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(exit_failed, "cannot hash the password: out of memory");
    return out;
}

bool verify_password(const std::string& phc_hash, const std::string& password) {
    ensure_sodium();
    return crypto_pwhash_str_verify(phc_hash.c_str(), password.data(), password.size()) == 0;
}

std::string gateway_proof(const std::string& key, const std::string& challenge) {
    return hmac_sha256_hex(key, "mosaic-gateway-proof\n" + challenge);
}

bool equal_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mosaic::gateway
