// Fuzz target: the gateway's HTTP API in process (plugins/gateway/api.hpp): a sequence of
// requests handled by one Api over a fresh SQLite store (the local tier), no sockets.
//
// Input: requests separated by "\n=====\n", each
//     METHOD PATH
//     header-name: value          (any header; "address: A" sets the client address,
//     ...                          "advance: N" moves the clock N seconds first)
//     <empty line>
//     body
// In the path, header values and body, $ADMIN, $SESSION and $ID stand for the last admin
// token, session token and token id the API handed out, so the fuzzer reaches the
// authenticated routes. At most 12 requests, and at most 3 password hashes/verifications
// (argon2id, ~20 MiB each) per input.
//
// Checks (api.hpp's contract): handle() never throws and never answers 500; every answer
// serialises (http.cpp dumps the body); an error answer is {"error", "message"} strings;
// 204 has no body; Vary: Origin always; CORS headers only for the configured origin and
// never another; 405 carries Allow, 429 and 503 a Retry-After; the admin routes never answer
// 2xx (but a CORS preflight's 204) without a bearer token; a password never appears in an
// answer; bootstrap succeeds at most once, and afterwards the status says so.
#include <algorithm>
#include <cctype>
#include <string>

#include <mosaic/support/clock.hpp>

#include "api.hpp"
#include "fuzz_support.hpp"
#include "sqlite_storage.hpp"

using namespace mosaic::gateway;
using nlohmann::json;

namespace {

const std::string origin = "http://localhost:3000";

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

struct Secrets {
    std::string admin = "mgw_0", session = "mgs_0", id = "1";
    void substitute(std::string& s) const {
        replace_all(s, "$ADMIN", admin);
        replace_all(s, "$SESSION", session);
        replace_all(s, "$ID", id);
    }
    void learn(const json& body) {
        if (!body.is_object()) return;
        if (auto t = body.find("token"); t != body.end() && t->is_string()) {
            std::string v = *t;
            if (v.rfind("mgw_", 0) == 0) admin = v;
            if (v.rfind("mgs_", 0) == 0) session = v;
        }
        for (const char* k : {"tokenId", "id"})
            if (auto i = body.find(k); i != body.end() && i->is_number_integer()) id = std::to_string(i->get<long long>());
    }
};

bool costs_a_hash(const ApiRequest& r) {
    return r.method == "POST" && (r.path == "/api/bootstrap/setup" || r.path == "/api/auth/sign-in");
}

// Plain printable ASCII without JSON escapes: its raw bytes would appear verbatim in a dump.
bool verbatim(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
}

std::string password_of(const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (!j.is_object()) return {};
    auto p = j.find("password");
    return p != j.end() && p->is_string() ? p->get<std::string>() : std::string();
}

void check(const ApiRequest& r, const ApiResponse& res, int& setups) {
    std::string what = r.method + " " + r.path + " -> " + std::to_string(res.status);
    static const int allowed[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 429, 503};
    FUZZ_CHECK(std::find(std::begin(allowed), std::end(allowed), res.status) != std::end(allowed),
               "unexpected status: " + what + " " + res.body.dump(-1, ' ', false, json::error_handler_t::replace));
    std::string dumped;
    try {
        dumped = res.body.dump();
    } catch (const json::exception& e) {
        FUZZ_CHECK(false, "the answer does not serialise (" + what + "): " + e.what());
    }
    if (res.status == 204) {
        FUZZ_CHECK(res.body.is_null(), "204 with a body");
    } else {
        FUZZ_CHECK(res.body.is_object(), "answer body is not an object: " + what);
    }
    if (res.status >= 400) {
        FUZZ_CHECK(res.body.contains("error") && res.body["error"].is_string() && res.body.contains("message") &&
                       res.body["message"].is_string(),
                   "error answer without error/message: " + what + " " + dumped);
    }

    auto h = [&](const char* name) {
        auto it = res.headers.find(name);
        return it == res.headers.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
    };
    FUZZ_CHECK(h("Vary") == "Origin", "no Vary: Origin: " + what);
    auto req_origin = r.headers.count("origin") ? r.headers.at("origin") : std::string();
    if (req_origin == origin) {
        FUZZ_CHECK(h("Access-Control-Allow-Origin") == origin, "configured origin not allowed: " + what);
    } else {
        FUZZ_CHECK(!h("Access-Control-Allow-Origin") && !h("Access-Control-Allow-Credentials"),
                   "CORS headers for origin '" + req_origin + "': " + what);
    }
    if (res.status == 405) FUZZ_CHECK(h("Allow").has_value(), "405 without Allow");
    if (res.status == 429 || res.status == 503) {
        auto ra = h("Retry-After");
        FUZZ_CHECK(ra && !ra->empty() && ra->find_first_not_of("0123456789") == std::string::npos && *ra != "0",
                   "429/503 without a positive Retry-After: " + what);
    }
    if (r.path.rfind("/api/admin/", 0) == 0 && res.status < 300 && r.method != "OPTIONS") {  // preflight: 204
        auto auth = r.headers.count("authorization") ? r.headers.at("authorization") : std::string();
        FUZZ_CHECK(auth.rfind("Bearer mgw_", 0) == 0 || auth.rfind("Bearer mgs_", 0) == 0,
                   "admin route answered without a bearer token: " + what);
    }
    std::string password = password_of(r.body);
    if (password.size() >= 8 && verbatim(password) && r.path.find(password) == std::string::npos)  // 404 quotes the path
        FUZZ_CHECK(dumped.find(password) == std::string::npos, "a password appears in the answer: " + what);
    if (r.path == "/api/bootstrap/setup" && res.status == 201) {
        ++setups;
        FUZZ_CHECK(setups == 1, "bootstrap succeeded twice");
    }
    if (r.path == "/api/bootstrap/status" && res.status == 200)
        FUZZ_CHECK(res.body["needsSetup"] == (setups == 0), "bootstrap status disagrees: " + dumped);
}

ApiRequest parse_request(const std::string& text, const Secrets& secrets, mosaic::support::FakeClock& clock) {
    ApiRequest r;
    r.client_address = "127.0.0.1";
    std::size_t pos = text.find('\n');
    std::string first = text.substr(0, pos);
    std::size_t sp = first.find(' ');
    r.method = first.substr(0, sp);
    r.path = sp == std::string::npos ? "" : first.substr(sp + 1);
    secrets.substitute(r.path);
    while (pos != std::string::npos) {
        std::size_t start = pos + 1;
        pos = text.find('\n', start);
        std::string line = text.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
        if (line.empty()) {
            if (pos != std::string::npos) r.body = text.substr(pos + 1);
            break;
        }
        std::size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        secrets.substitute(value);
        if (name == "address") {
            r.client_address = value;
        } else if (name == "advance") {
            long long n = std::atoll(value.c_str());
            clock.advance(std::chrono::seconds(std::clamp<long long>(n, 0, 10LL * 365 * 24 * 3600)));
        } else {
            r.headers[name] = value;
        }
    }
    secrets.substitute(r.body);
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto requests = mosaic::fuzz::split(mosaic::fuzz::as_string(data, size), "\n=====\n", 12);

    // A fresh store for every input, so that each input is reproducible on its own.
    const auto db = mosaic::fuzz::scratch_dir() / "gateway.sqlite3";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db.string() + suffix);
    SqliteStorage storage(db.string());
    mosaic::support::FakeClock clock;
    ApiOptions opt;
    opt.version = "9.9.9";
    opt.cors_origin = origin;
    opt.auth_secret = std::string(64, 'a');
    opt.max_body_bytes = 2048;
    opt.max_failures_per_email = 3;
    opt.max_failures_per_address = 5;
    Api api(storage, clock, opt);

    Secrets secrets;
    int hashes = 0, setups = 0;
    for (const auto& text : requests) {
        ApiRequest r = parse_request(text, secrets, clock);
        if (costs_a_hash(r) && ++hashes > 3) continue;
        ApiResponse res = api.handle(r);  // documented never to throw: an exception is a bug
        check(r, res, setups);
        secrets.learn(res.body);
    }
    return 0;
}
