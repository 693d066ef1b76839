#include <mosaic/support/file.hpp>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <mosaic/error.hpp>
#include <mosaic/support/json.hpp>

namespace mosaic::support {

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err = errno) {
    throw Error(exit_failed, "cannot " + what + " '" + path.string() + "': " + std::strerror(err));
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // best effort: some filesystems refuse directory fds
    ::fsync(fd);
    ::close(fd);
}

// Removes the temporary files of `name` in `dir` whose writer is gone: a SIGKILL or a power
// loss between mkstemp and rename leaves one. Best effort. A pid that exists (or was reused)
// keeps its file; so do names without a pid, from before the pid was part of the name.
void remove_stale_temporaries(const fs::path& dir, const std::string& name) {
    const std::string prefix = "." + name + ".tmp-";
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return;
    std::vector<std::string> stale;
    while (const dirent* ent = ::readdir(d)) {
        std::string_view entry = ent->d_name;
        if (entry.substr(0, prefix.size()) != prefix) continue;
        entry.remove_prefix(prefix.size());
        pid_t pid = 0;
        auto [end, ec] = std::from_chars(entry.data(), entry.data() + entry.size(), pid);
        if (ec != std::errc() || pid <= 0 || end == entry.data() + entry.size() || *end != '-') continue;
        if (::kill(pid, 0) != 0 && errno == ESRCH) stale.emplace_back(ent->d_name);
    }
    ::closedir(d);
    for (const auto& f : stale) ::unlink((dir / f).c_str());
}

[[noreturn]] void refuse_symlink(const fs::path& path, const std::string& why) {
    throw Error(exit_refused, "'" + path.string() + "' is a symbolic link; " + why);
}

// The file a chain of symbolic links at `path` ends at (relative targets resolved against
// the link's directory); `path` itself when it is not a link.
fs::path final_target(const fs::path& path) {
    fs::path p = path;
    for (int hops = 0;; ++hops) {
        std::error_code ec;
        if (!fs::is_symlink(fs::symlink_status(p, ec))) return p;
        if (hops >= 40) fail("resolve the symbolic links of", path, ELOOP);
        fs::path target = fs::read_symlink(p, ec);
        if (ec) fail("read the symbolic link", p, ec.value());
        p = target.is_absolute() ? target : p.parent_path() / target;
    }
}

std::string octal_mode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// The reason `dir` (which exists) may not hold secrets, looking at it alone.
std::optional<std::string> insecure_one(const fs::path& dir, const struct stat& st) {
    const uid_t me = ::geteuid();
    if (st.st_uid != me && st.st_uid != 0)
        return "'" + dir.string() + "' is owned by uid " + std::to_string(st.st_uid) + ", not by you (uid " +
               std::to_string(me) + "); anyone who owns it can replace what mosaic keeps in it: remove it (as its owner " +
               "or root) and run the command again";
    bool writable_by_others = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    bool roots_sticky = st.st_uid == 0 && (st.st_mode & S_ISVTX) != 0;
    if (writable_by_others && !roots_sticky)
        return "'" + dir.string() + "' is writable by others (mode " + octal_mode(st.st_mode) +
               "); anyone who can write it can replace what mosaic keeps in it: run 'chmod go-w " + dir.string() + "'";
    return std::nullopt;
}

// `dir` and its parents, from the root down (the outermost problem is the one to fix first);
// the ones that do not exist yet are skipped.
std::optional<std::string> insecure_chain(const fs::path& dir) {
    std::vector<fs::path> chain;
    for (fs::path d = dir;; d = d.parent_path()) {
        chain.push_back(d);
        if (!d.has_relative_path()) break;  // the root
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        struct stat st {};
        if (::stat(it->c_str(), &st) == 0) {
            if (auto why = insecure_one(*it, st)) return why;
        } else if (errno != ENOENT && errno != ENOTDIR) {
            return "cannot check '" + it->string() + "': " + std::strerror(errno);
        }
    }
    return std::nullopt;
}

}  // namespace

int open_no_follow(const fs::path& path, int flags, mode_t mode) {
    int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) return fd;
    if (errno == ELOOP)
        refuse_symlink(path, "mosaic does not follow links among its own files: remove it and run the command again");
    fail("open", path);
}

std::optional<std::string> insecure_directory(const fs::path& dir) {
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec).lexically_normal();
    if (ec) absolute = dir;
    if (auto why = insecure_chain(absolute)) return why;
    // A symbolic link on the way leads elsewhere: where it leads is checked too (the directory
    // holding the link itself was checked above).
    fs::path existing = absolute;
    while (!fs::exists(existing, ec) && existing.has_relative_path()) existing = existing.parent_path();
    fs::path resolved = fs::canonical(existing, ec);
    if (!ec && resolved != existing) return insecure_chain(resolved);
    return std::nullopt;
}

void require_private_directory(const fs::path& dir) {
    if (auto why = insecure_directory(dir)) throw Error(exit_refused, "unsafe directory: " + *why);
}

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT || !fs::exists(path)) return std::nullopt;
        fail("read", path);
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) fail("read", path);
    return buf.str();
}

void make_dirs(const fs::path& dir, mode_t mode) {
    if (dir.empty()) return;
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return;
    make_dirs(dir.parent_path(), mode);
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) fail("create directory", dir);
}

void write_file_atomic(const fs::path& requested, const std::string& content, const WriteOptions& opts) {
    std::error_code link_ec;
    if (opts.symlinks == Symlinks::refuse && fs::is_symlink(fs::symlink_status(requested, link_ec)))
        refuse_symlink(requested, "mosaic does not write this file through a link: replace the link with the file "
                                  "itself (or remove it) and run the command again");
    const fs::path path = final_target(requested);
    fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    make_dirs(dir, opts.private_dirs ? 0700 : 0755);

    mode_t mode = opts.mode.value_or(0644);
    struct stat st {};
    if (!opts.force_mode && ::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;

    const std::string name = path.filename().string();
    std::string tmpl = (dir / ("." + name + ".tmp-" + std::to_string(::getpid()) + "-XXXXXX")).string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) fail("create a temporary file beside", path);
    auto cleanup = [&](const std::string& what) {
        int err = errno;
        ::close(fd);
        ::unlink(tmpl.c_str());
        fail(what, path, err);
    };
    if (::fchmod(fd, mode) != 0) cleanup("set the mode of");
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            cleanup("write");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) cleanup("sync");
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmpl.c_str());
        fail("close", path, err);
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmpl.c_str());
        fail("replace", path, err);
    }
    fsync_dir(dir);
    remove_stale_temporaries(dir, name);
}

void write_secret_file(const fs::path& path, const std::string& content) {
    require_private_directory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
    write_file_atomic(path, content, WriteOptions{0600, true, true, Symlinks::refuse});
}

namespace {
template <class Json>
Json parse_file_text(const std::string& text, const fs::path& path) {
    try {
        return parse_json_limited<Json>(text);
    } catch (const nlohmann::json::exception& e) {
        throw_json_parse_error(path, text, e);
    } catch (const JsonLimitError& e) {
        throw Error(exit_usage, "cannot parse '" + path.string() + "': " + e.what() + "; fix or remove the file");
    }
}
}  // namespace

nlohmann::json parse_json_text(const std::string& text, const fs::path& path) {
    return parse_file_text<nlohmann::json>(text, path);
}

nlohmann::ordered_json parse_ordered_json_text(const std::string& text, const fs::path& path) {
    return parse_file_text<nlohmann::ordered_json>(text, path);
}

std::optional<nlohmann::json> load_json_file(const fs::path& path) {
    auto text = read_file(path);
    if (!text) return std::nullopt;
    return parse_json_text(*text, path);
}

void throw_json_parse_error(const fs::path& path, const std::string& text, const nlohmann::json::exception& e) {
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: "
    // (a parse error) or "[json.exception.out_of_range.406] " (anything else) prefix.
    std::string what = e.what();
    std::string at;
    if (const auto* pe = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
        if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
        at = " " + line_column(text, pe->byte > 0 ? pe->byte - 1 : 0);
    } else if (auto space = what.find("] "); space != std::string::npos) {
        what = what.substr(space + 2);
    }
    throw Error(exit_usage, "cannot parse '" + path.string() + "'" + at + ": " + what + "; fix or remove the file");
}

void store_json_file(const fs::path& path, const nlohmann::json& value, const WriteOptions& opts) {
    write_file_atomic(path, value.dump(2) + "\n", opts);
}

// --- .env ----------------------------------------------------------------------------------

namespace {

bool valid_key(const std::string& k) {
    if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string render_value(const std::string& v) {
    if (v.empty()) return {};
    bool plain = true;
    for (char c : v)
        if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '#' || c == '\\' || c == '$' ||
            c == '`')
            plain = false;
    if (plain) return v;
    if (v.find('\'') == std::string::npos) return "'" + v + "'";
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

EnvFile EnvFile::parse(const std::string& text, const std::string& origin) {
    EnvFile f;
    std::istringstream in(text);
    std::string raw;
    int lineno = 0;
    while (std::getline(in, raw)) {
        ++lineno;
        Line line{raw, "", "", false};
        std::string t = trim(raw);
        if (t.empty() || t[0] == '#') {
            f.lines.push_back(std::move(line));
            continue;
        }
        if (t.rfind("export ", 0) == 0) t = trim(t.substr(7));
        auto eq = t.find('=');
        std::string key = eq == std::string::npos ? t : trim(t.substr(0, eq));
        if (eq == std::string::npos || !valid_key(key))
            throw Error(exit_usage, "cannot parse '" + origin + "' line " + std::to_string(lineno) +
                                        ": expected KEY=VALUE; fix or remove the line");
        std::string value = trim(t.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
            value = value.substr(1, value.size() - 2);
        } else if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            std::string un;
            for (std::size_t i = 1; i + 1 < value.size(); ++i) {
                if (value[i] == '\\' && i + 2 < value.size()) ++i;
                un += value[i];
            }
            value = un;
        }
        line.key = key;
        line.value = value;
        f.lines.push_back(std::move(line));
    }
    return f;
}

EnvFile EnvFile::load(const fs::path& path) {
    auto text = read_file(path);
    if (!text) return {};
    return parse(*text, path.string());
}

std::optional<std::string> EnvFile::get(const std::string& key) const {
    std::optional<std::string> v;
    for (const auto& l : lines)
        if (l.key == key) v = l.value;  // the last assignment wins, as in a shell
    return v;
}

void EnvFile::set(const std::string& key, const std::string& value) {
    if (!valid_key(key)) throw Error(exit_usage, "invalid environment variable name '" + key + "'");
    // No quoting keeps a line break inside a value: it would split the line and leave a file
    // that parse() refuses (or reads as other keys).
    if (value.find('\n') != std::string::npos)
        throw Error(exit_usage, "the value of " + key + " contains a line break, which a .env file cannot hold");
    bool found = false;
    for (auto it = lines.begin(); it != lines.end();) {
        if (it->key != key) {
            ++it;
            continue;
        }
        if (found) {  // drop duplicates so the file has one truth
            it = lines.erase(it);
            continue;
        }
        found = true;
        it->value = value;
        it->changed = true;
        ++it;
    }
    if (!found) lines.push_back(Line{"", key, value, true});
}

bool EnvFile::erase(const std::string& key) {
    auto before = lines.size();
    std::erase_if(lines, [&](const Line& l) { return l.key == key; });
    return lines.size() != before;
}

std::map<std::string, std::string> EnvFile::values() const {
    std::map<std::string, std::string> m;
    for (const auto& l : lines)
        if (!l.key.empty()) m[l.key] = l.value;
    return m;
}

std::string EnvFile::render() const {
    std::string out;
    for (const auto& l : lines) {
        if (l.key.empty() || !l.changed) out += l.raw;
        else out += l.key + "=" + render_value(l.value);
        out += "\n";
    }
    return out;
}

std::string line_column(const std::string& text, std::size_t offset) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return "line " + std::to_string(line) + " column " + std::to_string(col);
}

std::string utc_stamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

}  // namespace mosaic::support
