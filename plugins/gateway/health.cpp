#include "health.hpp"

#include <cctype>

#include <mosaic/error.hpp>
#include <mosaic/support/json.hpp>

#include "crypto.hpp"

namespace mosaic::gateway {

namespace {

std::optional<std::string> header_of(const HttpResult& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
        if (k.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < k.size() && same; ++i)
            same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
        if (same) return v;
    }
    return std::nullopt;
}

std::optional<nlohmann::json> healthy_document(const HttpResult& r) {
    if (r.status != 200) return std::nullopt;
    auto j = parse_answer(r.body);
    if (j.is_discarded() || !j.is_object() || j.value("status", "") != "ok") return std::nullopt;
    return j;
}

}  // namespace

nlohmann::json parse_answer(const std::string& body) {
    return support::try_parse_json(body).value_or(nlohmann::json(nlohmann::json::value_t::discarded));
}

ProvenResult send_proven(HttpClient& http, const std::string& method, const std::string& url, const std::string& path,
                         const std::string& proof_key, const std::string& body) {
    const std::string challenge = random_hex(16);
    ProvenResult out;
    out.http = http.send(method, url, path, body, {{challenge_header, challenge}});
    auto proof = header_of(out.http, proof_header);
    out.proven = out.http.answered() && !proof_key.empty() && proof &&
                 equal_secret(*proof, gateway_proof(proof_key, challenge));
    return out;
}

std::string not_this_gateway(const std::string& url) {
    return "something else answers at " + url +
           " and it is not this gateway: it cannot prove it knows the secret of this install's .env (another "
           "program has the port, or an older gateway that 'mosaic gateway restart' replaces)";
}

void require_own_gateway(HttpClient& http, const std::string& url, const std::string& proof_key, const std::string& what) {
    ProvenResult r = send_proven(http, "GET", url, "/health", proof_key);
    if (r.http.answered() && !r.proven) throw Error(exit_failed, "refusing to send " + what + ": " + not_this_gateway(url));
}

HealthProbe probe_health(HttpClient& http, const std::string& url, const std::string& proof_key) {
    ProvenResult r = send_proven(http, "GET", url, "/health", proof_key);
    HealthProbe p;
    if (!r.http.answered()) return p;
    if (!r.proven) {
        p.foreign = true;
        return p;
    }
    p.health = healthy_document(r.http);
    return p;
}

HealthResult wait_for_health(HttpClient& http, const std::string& url, const std::string& proof_key,
                             support::Clock& clock, support::Sleeper& sleeper, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds interval, const std::function<bool()>& still_running,
                             const std::function<void(const std::string&)>& on_state) {
    auto deadline = clock.now() + timeout;
    std::string last_state;
    auto report = [&](const std::string& s) {
        if (s != last_state && on_state) on_state(s);
        last_state = s;
    };
    while (true) {
        ProvenResult p = send_proven(http, "GET", url, "/health", proof_key);
        const HttpResult& r = p.http;
        if (r.answered() && !p.proven) {
            report("not this gateway");
            return HealthResult{false, not_this_gateway(url), {}, true};
        }
        if (auto j = healthy_document(r)) {
            report("healthy");
            return HealthResult{true, "", *j, false};
        }
        if (r.status == 200) report("answering but not healthy yet");
        else if (r.answered()) report("answering HTTP " + std::to_string(r.status));
        else report("waiting for " + url + " (" + (r.error.empty() ? "no answer" : r.error) + ")");
        if (still_running && !still_running()) return HealthResult{false, "the gateway process exited", {}, false};
        if (clock.now() >= deadline) {
            auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
            return HealthResult{false, "no healthy answer within " + std::to_string(secs) + " s (last: " + last_state + ")", {}, false};
        }
        sleeper.sleep_for(interval);
    }
}

}  // namespace mosaic::gateway
