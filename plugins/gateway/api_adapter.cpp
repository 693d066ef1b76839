#include "api_adapter.hpp"

namespace mosaic::gateway {

ApiRequest api_request_from(HttpRequest& request) {
    ApiRequest a;
    a.method = request.method == "HEAD" ? std::string("GET") : request.method;
    a.path = request.path;
    a.body = std::move(request.body);
    a.client_address = request.client_address;
    a.headers = std::move(request.headers);
    a.query = request.query;
    return a;
}

HttpResponse http_response_from(const ApiResponse& r) {
    HttpResponse out;
    out.status = r.status;
    out.headers.reserve(r.headers.size() + 1);
    if (!r.body.is_null()) {
        out.headers.emplace_back("Content-Type", "application/json");
        out.body = r.body.dump();
    }
    for (const auto& [k, v] : r.headers) out.headers.emplace_back(k, v);
    return out;
}

HttpServer::Handler api_handler(Api& api, WorkerPool& pool) {
    return [&api, &pool](HttpRequest& request, Exchange exchange) {
        ApiRequest a = api_request_from(request);
        if (api.answers_at_once(a)) return exchange.respond(http_response_from(api.handle(a)));
        bool queued = pool.try_post([&api, a = std::move(a), exchange] {
            if (!exchange.cancelled()) exchange.respond(http_response_from(api.handle(a)));
        });
        if (!queued) {
            ApiResponse busy = Api::error(503, "busy", "the gateway has too many requests waiting; retry shortly");
            busy.headers["Retry-After"] = "1";
            exchange.respond(http_response_from(busy));
        }
    };
}

}  // namespace mosaic::gateway
