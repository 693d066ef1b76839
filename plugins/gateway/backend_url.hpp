// backend_url.hpp - the team tier's two connection URLs: validation, the host:port they
// name, and redaction. Nothing here prints or connects.
//
//   postgresql://[user[:password]@]host[:port][/dbname][?param=value&...]   (postgres:// too)
//       parsed by libpq itself (PQconninfoParse), so what validates is what libpq accepts
//   redis://[[user]:password@]host[:port][/db]                             (valkey:// too)
//       hiredis has no URL parser; user and password may be percent-encoded. TLS
//       (rediss://, valkeys://) is refused: Debian's hiredis 0.14 is built without it.
//
// A URL may carry a password, so error messages never quote a URL as given: they quote
// redact_url(url), where the password (and any `password=` query value) is "***".
#pragma once

#include <string>

namespace mosaic::gateway {

struct PostgresTarget {
    std::string host;    // as written (may be a list "h1,h2" or a socket directory)
    std::string port;    // "5432" unless given
    std::string dbname;  // empty: libpq's default (the user name)
    std::string user;
    std::string address() const;  // "host:port"
};

struct ValkeyTarget {
    std::string host;
    int port = 6379;
    std::string user;      // Redis 6 ACL user; empty: the default user
    std::string password;  // empty: no AUTH
    int db = 0;
    std::string address() const;  // "host:port" ("[::1]:port" for IPv6)
};

// Both throw mosaic::Error(exit_usage) with a message that names what is wrong and quotes
// only the redacted URL; callers add where the value came from.
PostgresTarget parse_postgres_url(const std::string& url);
ValkeyTarget parse_valkey_target(const std::string& url);

// `url` with the password in its user info and any `password=` query value replaced by
// "***" ("postgresql://user:***@host/db"). Best effort for malformed input: it rather hides
// too much than too little.
std::string redact_url(const std::string& url);
// `text` with every occurrence of the URL's password replaced by "***" (for library error
// messages that may echo part of a URL).
std::string scrub_secret(std::string text, const std::string& url);
// The same PostgreSQL URL naming database `dbname` instead.
std::string with_database(const std::string& url, const std::string& dbname);

}  // namespace mosaic::gateway
