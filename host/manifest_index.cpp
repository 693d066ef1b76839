#include "manifest_index.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mosaic::host {

namespace fs = std::filesystem;

namespace {

constexpr const char* magic = "mosaic-plugin-index\t1";

uint64_t fnv1a(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

std::optional<std::string> slurp(const fs::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) text.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    if (n < 0) return std::nullopt;
    return text;
}

// Fields are tab-separated, records newline-separated; '\\', '\t' and '\n' are escaped.
void put(std::string& out, const std::string& field) {
    out += '\t';
    for (char c : field) {
        if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
}

class Reader {
public:
    explicit Reader(const std::string& line) : line_(line) {}
    bool next(std::string& field) {
        if (pos_ > line_.size()) return false;
        std::size_t end = line_.find('\t', pos_);
        if (end == std::string::npos) end = line_.size();
        field.assign(line_, pos_, end - pos_);
        pos_ = end + 1;  // skip the tab (or step past the end)
        if (field.find('\\') != std::string::npos) unescape(field);
        return true;
    }
    bool next_uint(uint64_t& v) {
        std::string f;
        if (!next(f) || f.empty()) return false;
        v = 0;
        for (char c : f) {
            if (c < '0' || c > '9') return false;
            v = v * 10 + static_cast<uint64_t>(c - '0');
        }
        return true;
    }
    bool at_end() const { return pos_ > line_.size(); }

private:
    static void unescape(std::string& f) {
        std::string out;
        for (std::size_t i = 0; i < f.size(); ++i) {
            char c = f[i];
            if (c == '\\' && i + 1 < f.size()) {
                char e = f[++i];
                c = e == 't' ? '\t' : e == 'n' ? '\n' : e;
            }
            out += c;
        }
        f = std::move(out);
    }

    const std::string& line_;
    std::size_t pos_ = 0;
};

std::optional<ManifestKey> key_of(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    return ManifestKey{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                       static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

}  // namespace

ManifestIndex::ManifestIndex(const fs::path& index_dir, const fs::path& plugin_dir) : plugin_dir_(plugin_dir) {
    if (index_dir.empty()) return;
    char name[32];
    std::snprintf(name, sizeof name, "%016llx.idx", static_cast<unsigned long long>(fnv1a(plugin_dir.string())));
    file_ = index_dir / name;
    if (auto text = slurp(file_)) {
        // The first line names the directory, so a hash collision is only a miss.
        auto nl = text->find('\n');
        if (nl != std::string::npos && text->compare(0, nl, plugin_dir.string()) == 0)
            if (auto records = decode(text->substr(nl + 1))) old_ = std::move(*records);
    }
}

const ManifestOrError& ManifestIndex::get(const std::string& file_name) {
    fs::path path = plugin_dir_ / file_name;
    auto key = key_of(path);
    if (key && !file_.empty()) {
        auto it = old_.find(file_name);
        if (it != old_.end() && it->second.first == *key) {
            ++hits_;
            ++kept_;
            return new_.insert_or_assign(file_name, std::move(it->second)).first->second.second;
        }
    }
    ++misses_;
    ManifestOrError result;
    try {
        result = manifest::load(path);
    } catch (const std::exception& e) {
        result = std::string(e.what());
    }
    // Only a file that stayed put while we read it is worth remembering.
    if (key && key == key_of(path)) return (new_[file_name] = {*key, std::move(result)}).second;
    scratch_ = std::move(result);
    return scratch_;
}

void ManifestIndex::save() {
    if (file_.empty() || (misses_ == 0 && kept_ == old_.size())) return;
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    std::string text = plugin_dir_.string() + "\n" + encode(new_);
    std::string tmp = file_.string() + ".tmp." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), file_.c_str()) != 0) ::unlink(tmp.c_str());
}

std::string ManifestIndex::encode(const std::map<std::string, std::pair<ManifestKey, ManifestOrError>>& records) {
    std::string out = std::string(magic) + "\n";
    for (const auto& [file, rec] : records) {
        const auto& [key, value] = rec;
        out += "M";
        put(out, file);
        put(out, std::to_string(key.inode));
        put(out, std::to_string(key.size));
        put(out, std::to_string(key.mtime_ns));
        if (const auto* err = std::get_if<std::string>(&value)) {
            put(out, "err");
            put(out, *err);
        } else {
            const auto& m = std::get<manifest::Manifest>(value);
            put(out, "ok");
            for (const auto* f : {&m.name, &m.library}) put(out, *f);
            put(out, std::to_string(m.abi_major));
            put(out, std::to_string(m.abi_minor));
            for (const auto* f : {&m.version, &m.vendor, &m.summary}) put(out, *f);
            put(out, std::to_string(m.commands.size()));
            for (const auto& c : m.commands) {
                put(out, c.name);
                put(out, c.summary);
                put(out, c.usage);
            }
            put(out, std::to_string(m.services.size()));
            for (const auto& s : m.services) {
                put(out, s.name);
                put(out, s.summary);
            }
        }
        out += '\n';
    }
    return out;
}

std::optional<std::map<std::string, std::pair<ManifestKey, ManifestOrError>>> ManifestIndex::decode(
    const std::string& text) {
    std::map<std::string, std::pair<ManifestKey, ManifestOrError>> records;
    std::size_t pos = text.find('\n');
    if (pos == std::string::npos || text.compare(0, pos, magic) != 0) return std::nullopt;
    ++pos;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) return std::nullopt;  // truncated
        std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        Reader r(line);
        std::string tag, file, kind;
        ManifestKey key;
        uint64_t mtime = 0;
        if (!r.next(tag) || tag != "M" || !r.next(file) || !r.next_uint(key.inode) || !r.next_uint(key.size) ||
            !r.next_uint(mtime) || !r.next(kind))
            return std::nullopt;
        key.mtime_ns = static_cast<int64_t>(mtime);
        if (kind == "err") {
            std::string err;
            if (!r.next(err)) return std::nullopt;
            records[file] = {key, err};
        } else if (kind == "ok") {
            manifest::Manifest m;
            uint64_t major = 0, minor = 0, n = 0;
            if (!r.next(m.name) || !r.next(m.library) || !r.next_uint(major) || !r.next_uint(minor) ||
                !r.next(m.version) || !r.next(m.vendor) || !r.next(m.summary) || !r.next_uint(n) || n > 10000)
                return std::nullopt;
            m.abi_major = static_cast<uint32_t>(major);
            m.abi_minor = static_cast<uint32_t>(minor);
            m.commands.resize(n);
            for (auto& c : m.commands)
                if (!r.next(c.name) || !r.next(c.summary) || !r.next(c.usage)) return std::nullopt;
            if (!r.next_uint(n) || n > 10000) return std::nullopt;
            m.services.resize(n);
            for (auto& s : m.services)
                if (!r.next(s.name) || !r.next(s.summary)) return std::nullopt;
            records[file] = {key, std::move(m)};
        } else {
            return std::nullopt;
        }
        if (!r.at_end()) return std::nullopt;
    }
    return records;
}

}  // namespace mosaic::host
