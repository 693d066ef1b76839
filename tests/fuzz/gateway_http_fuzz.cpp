// Fuzz target: the bytes a client sends the gateway, as its engine reads them
// (plugins/gateway/http_message.hpp: Beast's parser under the gateway's rules), then converted
// for the Api (api_adapter.hpp). No sockets: the input is a byte stream, possibly several
// pipelined requests.
//
// Input: byte 0 picks how the stream is cut into reads (1..32 bytes each, or all at once);
// the rest is the stream.
//
// Checks: the parser never consumes more than it was offered; it reads the same requests and
// stops at the same error whether the stream comes in one piece or in small reads (a request
// split across reads is never read differently; a head both malformed and over a limit may be
// refused for either); after an error or a complete request it
// consumes nothing more; a complete request respects every limit (target, body), has a path
// that is the target up to '?', lowercase header names, and converts for the Api with its body
// and headers intact; errors are one of the documented statuses.
#include <algorithm>
#include <string>
#include <vector>

#include "api_adapter.hpp"
#include "fuzz_support.hpp"
#include "http_message.hpp"

using namespace mosaic::gateway;

namespace {

struct Outcome {
    std::vector<std::string> requests;  // a summary of each request read
    int error = 0;                      // the status of the refusal that ended the stream, if any
};

std::string summary(const HttpRequest& r) {
    std::string s = r.method + " " + r.target + " " + std::to_string(r.version) + (r.keep_alive ? " ka" : " close") +
                    (r.expects_continue ? " 100" : "") + "\n";
    for (const auto& [k, v] : r.headers) s += k + ": " + v + "\n";
    return s + "\n" + r.body;
}

// Reads `stream` the way the engine does: a buffer that keeps what the parser did not
// consume, fed again with the next read appended.
Outcome read_stream(const std::string& stream, std::size_t step, const HttpLimits& limits) {
    Outcome out;
    RequestParser parser(limits);
    std::string buffer;
    std::size_t offered = 0;
    while (out.requests.size() < 16) {
        if (offered < stream.size()) {
            std::size_t n = std::min(step, stream.size() - offered);
            buffer.append(stream, offered, n);
            offered += n;
        }
        std::size_t used = parser.feed(buffer);
        FUZZ_CHECK(used <= buffer.size(), "consumed more than offered");
        buffer.erase(0, used);
        if (const HttpParseError* e = parser.error()) {
            static const int allowed[] = {400, 413, 414, 431, 501};
            FUZZ_CHECK(std::find(std::begin(allowed), std::end(allowed), e->status) != std::end(allowed),
                       "unexpected refusal " + std::to_string(e->status));
            FUZZ_CHECK(!e->message.empty(), "a refusal without a message");
            FUZZ_CHECK(parser.feed("GET / HTTP/1.1\r\n\r\n") == 0, "consumed after an error");
            out.error = e->status;
            return out;
        }
        if (parser.done()) {
            FUZZ_CHECK(parser.feed("GET / HTTP/1.1\r\n\r\n") == 0, "consumed past a complete request");
            HttpRequest r = parser.take();
            FUZZ_CHECK(r.target.size() <= limits.max_target_bytes, "target over the limit");
            FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, "body over the limit");
            FUZZ_CHECK(r.target.compare(0, r.path.size(), r.path) == 0 &&
                           (r.path.size() == r.target.size() || r.target[r.path.size()] == '?'),
                       "path is not the target up to '?'");
            FUZZ_CHECK(r.path.find('?') == std::string::npos, "a '?' in the path");
            for (const auto& [k, v] : r.headers)
                FUZZ_CHECK(std::none_of(k.begin(), k.end(), [](char c) { return c >= 'A' && c <= 'Z'; }),
                           "header name not lowercased: " + k);
            out.requests.push_back(summary(r));
            std::string body = r.body;
            auto headers = r.headers;
            ApiRequest a = api_request_from(r);
            FUZZ_CHECK(a.body == body && a.headers == headers, "the conversion lost body or headers");
            FUZZ_CHECK(a.method == (r.method == "HEAD" ? "GET" : r.method), "the conversion changed the method");
            continue;
        }
        if (offered >= stream.size() && used == 0) break;  // needs more than there is
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::size_t step = data[0] % 33;  // 0: everything at once
    std::string stream = mosaic::fuzz::as_string(data + 1, size - 1);
    HttpLimits limits;
    limits.max_head_bytes = 2048;
    limits.max_target_bytes = 512;
    limits.max_body_bytes = 1024;
    Outcome whole = read_stream(stream, stream.size() + 1, limits);
    if (step == 0) return 0;
    Outcome pieces = read_stream(stream, step, limits);
    // The limits are checked against what is buffered, so a refusal may come a request
    // earlier or later in the stream only through a limit; everything read must agree.
    std::size_t common = std::min(whole.requests.size(), pieces.requests.size());
    for (std::size_t i = 0; i < common; ++i)
        FUZZ_CHECK(whole.requests[i] == pieces.requests[i], "request " + std::to_string(i) + " read differently in pieces");
    if (whole.error == 0 && pieces.error == 0)
        FUZZ_CHECK(whole.requests.size() == pieces.requests.size(), "a different number of requests in pieces");
    // A head can be both malformed and over a limit: whole, the parser sees the limit first
    // (431); in small reads it may meet the malformed byte first (400). Either answer is right,
    // so a refusal through a limit (413, 414, 431) may stand against another; any other pair
    // must be the same refusal.
    auto through_limit = [](int status) { return status == 413 || status == 414 || status == 431; };
    if (whole.error != 0 && pieces.error != 0 && whole.requests.size() == pieces.requests.size() &&
        !through_limit(whole.error) && !through_limit(pieces.error))
        FUZZ_CHECK(whole.error == pieces.error, "a different refusal in pieces");
    return 0;
}
