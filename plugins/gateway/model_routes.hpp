// model_routes.hpp - the agents' model calls: /anthropic/... and /openai/... pass through to
// the provider (proxy.hpp) once the caller is known to be an agent allowed to spend.
//
// For each call, on the connection's I/O thread: the provider must be configured (else 503,
// naming the variable to set); the credential (`x-api-key`, or `Authorization: Bearer`, as
// the providers' SDKs send it) must be an agent token `mga_...` (admin tokens and sessions get
// 403; anything else 401). Then the token must be active (401), within its requests per
// minute (counted exactly, across gateways in the team tier) and its tokens per UTC day (429
// with Retry-After until the next minute or day): asked of the storage on the worker pool,
// except for a token known in the last 5 s whose limits need no storage (none, or requests
// per minute on the local tier), which goes straight on. The call is then proxied with the
// provider's key in place of the agent's token, and its usage (what the answer reported; a
// request even without it) is added per token, day and model, written every 250 ms. Every refusal is
// in the provider's error shape, so an agent's SDK shows it sensibly. The provider keys never
// appear in an answer, a log line or an error.
#pragma once

#include <chrono>
#include <memory>

#include <mosaic/support/clock.hpp>

#include "http_server.hpp"
#include "provider.hpp"
#include "proxy.hpp"
#include "storage.hpp"
#include "worker_pool.hpp"

namespace mosaic::gateway {

struct ModelRouteOptions {
    ProviderConfig anthropic, openai;
    ProxyOptions proxy;
    // How long a known agent token is trusted without asking the storage again: another
    // gateway's revocation takes effect within this (this gateway's own, at once).
    std::chrono::milliseconds cache_ttl{5000};
};

class ModelRoutes {
public:
    ModelRoutes(Storage& storage, WorkerPool& pool, const support::Clock& clock, ModelRouteOptions options);
    ~ModelRoutes();
    ModelRoutes(const ModelRoutes&) = delete;
    ModelRoutes& operator=(const ModelRoutes&) = delete;

    // False when `request` is not a model route; otherwise it is answered through `exchange`.
    // Call on the exchange's I/O thread.
    bool handle(HttpRequest& request, Exchange& exchange);
    // Closes idle provider connections and writes the usage still in memory; after the
    // server has stopped.
    void close();
    // This gateway's admin API changed agent tokens: forget the ones known.
    void agent_tokens_changed();

    struct State;

private:
    std::shared_ptr<State> state_;
};

// Which credential a model call carries, and what to make of it (pure; tested alone).
struct ModelCredential {
    enum class Kind { missing, agent, admin, other } kind = Kind::missing;
    std::string token;
};
ModelCredential model_credential(const HttpRequest& request);

}  // namespace mosaic::gateway
