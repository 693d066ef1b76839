// Fuzz target: the gateway's HTTP API in process (plugins/gateway/api.hpp): a sequence of
// requests, each rendered as HTTP/1.1 bytes and read by the daemon's Beast-based parser and
// conversion (http_message.hpp, api_adapter.hpp), handled by one Api over a fresh SQLite
// store (the local tier), no sockets.
//
// Input: requests separated by "\n=====\n", each
//     METHOD PATH
//     header-name: value          (any header; "address: A" sets the client address,
//     ...                          "advance: N" moves the clock N seconds first)
//     <empty line>
//     body
// In the path, header values and body, $ADMIN, $SESSION and $ID stand for the last admin
// token, session token and token id the API handed out, and $SETUP for the one-time setup
// token, so the fuzzer reaches the authenticated routes. At most 12 requests, and at most 3
// password hashes/verifications (argon2id, ~20 MiB each) per input.
//
// Checks (api.hpp's contract): handle() never throws and never answers 500; every answer
// serialises (api_adapter.cpp dumps the body); an error answer is {"error", "message"} strings;
// 204 has no body; Vary: Origin always; CORS headers only for the configured origin and
// never another; any other Origin, or a Host that is not a local name or IP address, is
// refused with 403; a setup or sign-in not declared application/json never succeeds; 405
// carries Allow, 429 and 503 a Retry-After; the admin routes never answer 2xx (but a CORS
// preflight's 204) without a bearer token; a password never appears in an answer; bootstrap
// succeeds at most once, only with the setup token, and afterwards the status says so; an
// X-Mosaic-Challenge is answered with its proof.
#include <algorithm>
#include <cctype>
#include <string>

#include <mosaic/support/clock.hpp>

#include "api.hpp"
#include "api_adapter.hpp"
#include "crypto.hpp"
#include "fuzz_support.hpp"
#include "http_message.hpp"
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

const std::string setup_token = "mst_fuzz";
const std::string proof_key = std::string(64, 'p');

struct Secrets {
    std::string admin = "mgw_0", session = "mgs_0", id = "1";
    void substitute(std::string& s) const {
        replace_all(s, "$ADMIN", admin);
        replace_all(s, "$SESSION", session);
        replace_all(s, "$ID", id);
        replace_all(s, "$SETUP", setup_token);
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

std::string field_of(const std::string& body, const char* name) {
    json j = json::parse(body, nullptr, false);
    if (!j.is_object()) return {};
    auto p = j.find(name);
    return p != j.end() && p->is_string() ? p->get<std::string>() : std::string();
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void check(const ApiRequest& r, const ApiResponse& res, int& setups) {
    std::string what = r.method + " " + r.path + " -> " + std::to_string(res.status);
    static const int allowed[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429, 503};
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
    if (!req_origin.empty() && req_origin != origin) FUZZ_CHECK(res.status == 403, "a foreign origin was served: " + what);
    if (r.headers.count("host")) {
        std::string host = lower(r.headers.at("host"));
        host = host.substr(0, host.find(':'));
        bool local = host == "localhost" || (!host.empty() && host.find_first_not_of("0123456789.") == std::string::npos);
        if (!local && host.rfind('[', 0) != 0) FUZZ_CHECK(res.status == 403, "a foreign Host was served: " + what);
    }
    if ((r.path == "/api/bootstrap/setup" || r.path == "/api/auth/sign-in") && res.status < 300) {
        auto type = r.headers.count("content-type") ? lower(r.headers.at("content-type")) : std::string();
        FUZZ_CHECK(type.rfind("application/json", 0) == 0, "a body not declared JSON was used: " + what);
    }
    if (r.path == "/api/bootstrap/setup" && res.status == 201)
        FUZZ_CHECK(field_of(r.body, "setupToken") == setup_token, "setup succeeded without the setup token");
    if (r.headers.count("x-mosaic-challenge")) {
        const std::string& challenge = r.headers.at("x-mosaic-challenge");
        if (!challenge.empty() && challenge.size() <= 128)
            FUZZ_CHECK(h("X-Mosaic-Proof") == gateway_proof(proof_key, challenge), "a challenge without its proof: " + what);
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
    std::string password = field_of(r.body, "password");
    if (password.size() >= 8 && verbatim(password) && r.path.find(password) == std::string::npos)  // 404 quotes the path
        FUZZ_CHECK(dumped.find(password) == std::string::npos, "a password appears in the answer: " + what);
    if (r.path == "/api/bootstrap/setup" && res.status == 201) {
        ++setups;
        FUZZ_CHECK(setups == 1, "bootstrap succeeded twice");
    }
    if (r.path == "/api/bootstrap/status" && res.status == 200)
        FUZZ_CHECK(res.body["needsSetup"] == (setups == 0), "bootstrap status disagrees: " + dumped);
}

// The text request as the HTTP/1.1 bytes a client would send, read back by the daemon's own
// parser and conversion (http_message.hpp, api_adapter.hpp). nullopt: the engine refuses it
// before the Api sees it (the raw bytes are gateway_http's to fuzz).
std::optional<ApiRequest> parse_request(const std::string& text, const Secrets& secrets,
                                        mosaic::support::FakeClock& clock, std::size_t max_body) {
    std::string address = "127.0.0.1";
    std::size_t pos = text.find('\n');
    std::string first = text.substr(0, pos);
    std::size_t sp = first.find(' ');
    std::string method = first.substr(0, sp);
    std::string target = sp == std::string::npos ? "" : first.substr(sp + 1);
    secrets.substitute(target);
    std::string head, body;
    while (pos != std::string::npos) {
        std::size_t start = pos + 1;
        pos = text.find('\n', start);
        std::string line = text.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
        if (line.empty()) {
            if (pos != std::string::npos) body = text.substr(pos + 1);
            break;
        }
        std::size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        std::string lower = name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        secrets.substitute(value);
        if (lower == "address") {
            address = value;
        } else if (lower == "advance") {
            long long n = std::atoll(value.c_str());
            clock.advance(std::chrono::seconds(std::clamp<long long>(n, 0, 10LL * 365 * 24 * 3600)));
        } else if (lower != "content-length" && lower != "transfer-encoding") {
            head += name + ": " + value + "\r\n";
        }
    }
    secrets.substitute(body);
    std::string bytes = method + " " + (target.empty() ? "/" : target) + " HTTP/1.1\r\nHost: gateway\r\n" + head +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    HttpLimits limits;
    limits.max_body_bytes = max_body;
    RequestParser parser(limits);
    std::size_t used = parser.feed(bytes);
    if (!parser.done()) return std::nullopt;
    FUZZ_CHECK(used == bytes.size(), "a request with a Content-Length was not read to its end");
    HttpRequest h = parser.take();
    h.client_address = address;
    return api_request_from(h);
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
    opt.limits.email_and_address.max_attempts = 3;
    opt.limits.address.max_attempts = 5;
    opt.limits.email.backoff_after = 4;
    opt.proof_key = proof_key;
    opt.setup_token = std::make_shared<MemorySetupToken>(setup_token);
    Api api(storage, clock, opt);

    Secrets secrets;
    int hashes = 0, setups = 0;
    for (const auto& text : requests) {
        auto parsed = parse_request(text, secrets, clock, opt.max_body_bytes);
        if (!parsed) continue;
        ApiRequest& r = *parsed;
        if (costs_a_hash(r) && ++hashes > 3) continue;
        ApiResponse res = api.handle(r);  // documented never to throw: an exception is a bug
        check(r, res, setups);
        secrets.learn(res.body);
    }
    return 0;
}
