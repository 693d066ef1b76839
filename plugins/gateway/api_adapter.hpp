// api_adapter.hpp - how the daemon puts the Api (a pure function, api.hpp) behind the HTTP
// engine (http_server.hpp): request and response conversion, and the engine's handler, which
// answers on the I/O thread only what needs no storage and sends the rest to the worker pool.
#pragma once

#include "api.hpp"
#include "http_server.hpp"
#include "worker_pool.hpp"

namespace mosaic::gateway {

// Moves body and headers out of `request` (method, path and client stay, for the log).
// HEAD is asked of the Api as GET; the engine leaves the body out of the answer.
ApiRequest api_request_from(HttpRequest& request);
HttpResponse http_response_from(const ApiResponse& response);

// A full pool answers 503 at once, with Retry-After.
HttpServer::Handler api_handler(Api& api, WorkerPool& pool);

}  // namespace mosaic::gateway
