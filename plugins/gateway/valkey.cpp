#include "valkey.hpp"

#include <sys/time.h>

#include <hiredis/hiredis.h>

#include <mosaic/error.hpp>

#include "storage.hpp"

namespace mosaic::gateway {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

ValkeyReply convert(const redisReply* r) {
    ValkeyReply out;
    switch (r->type) {
        case REDIS_REPLY_INTEGER:
            out.type = ValkeyReply::Type::integer;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_STRING:
            out.type = ValkeyReply::Type::string;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = ValkeyReply::Type::status;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_ARRAY:
            out.type = ValkeyReply::Type::array;
            for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
            break;
        default:
            break;
    }
    return out;
}

struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

ReplyPtr run(redisContext* c, const std::vector<std::string>& argv) {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    for (const auto& a : argv) {
        ptrs.push_back(a.data());
        lens.push_back(a.size());
    }
    return ReplyPtr(static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data())));
}

std::string context_error(const redisContext* c) {
    std::string e = c->errstr[0] ? c->errstr : "connection error";
    if (c->err == REDIS_ERR_IO && (e == "Resource temporarily unavailable" || e.empty())) e = "timed out";
    return e;
}

}  // namespace

ValkeyClient::ValkeyClient(std::string url, std::chrono::milliseconds timeout, std::size_t max_idle)
    : url_(std::move(url)), target_(parse_valkey_target(url_)), timeout_(timeout), max_idle_(max_idle) {}

ValkeyClient::~ValkeyClient() {
    for (auto* c : idle_) redisFree(c);
}

void ValkeyClient::unavailable(const std::string& why) const {
    throw BackendUnavailable("valkey", "valkey at " + target_.address() + ": " + scrub_secret(why, url_));
}

redisContext* ValkeyClient::connect() {
    redisContext* c = redisConnectWithTimeout(target_.host.c_str(), target_.port, to_timeval(timeout_));
    if (!c) unavailable("out of memory");
    if (c->err) {
        std::string why = context_error(c);
        redisFree(c);
        unavailable(why);
    }
    redisSetTimeout(c, to_timeval(timeout_));
    redisEnableKeepAlive(c);
    auto setup = [&](const std::vector<std::string>& argv, const char* what) {
        ReplyPtr r = run(c, argv);
        if (!r) {
            std::string why = context_error(c);
            redisFree(c);
            unavailable(why);
        }
        if (r->type == REDIS_REPLY_ERROR) {
            std::string why = std::string(what) + " failed: " + std::string(r->str, r->len);
            redisFree(c);
            unavailable(why);
        }
    };
    if (!target_.password.empty()) {
        if (target_.user.empty()) setup({"AUTH", target_.password}, "authentication");
        else setup({"AUTH", target_.user, target_.password}, "authentication");
    }
    if (target_.db != 0) setup({"SELECT", std::to_string(target_.db)}, "selecting the database");
    return c;
}

ValkeyReply ValkeyClient::command(const std::vector<std::string>& argv) {
    redisContext* c = nullptr;
    bool reused = false;
    {
        std::lock_guard lock(mu_);
        if (!idle_.empty()) {
            c = idle_.back();
            idle_.pop_back();
            reused = true;
        }
    }
    for (int attempt = 0;; ++attempt) {
        if (!c) c = connect();
        ReplyPtr r = run(c, argv);
        if (!r) {
            std::string why = context_error(c);
            redisFree(c);
            c = nullptr;
            // A pooled connection may have died with a restarted server: drop the others
            // too and try once on a fresh one.
            std::vector<redisContext*> old;
            {
                std::lock_guard lock(mu_);
                old.swap(idle_);
            }
            for (auto* o : old) redisFree(o);
            if (reused && attempt == 0) continue;
            unavailable(why);
        }
        ValkeyReply out = convert(r.get());
        bool error = r->type == REDIS_REPLY_ERROR;
        std::string err = error ? std::string(r->str, r->len) : std::string();
        {
            std::lock_guard lock(mu_);
            if (idle_.size() < max_idle_) {
                idle_.push_back(c);
                c = nullptr;
            }
        }
        if (c) redisFree(c);
        if (error) throw Error(exit_failed, "valkey: " + scrub_secret(err, url_));
        return out;
    }
}

}  // namespace mosaic::gateway
