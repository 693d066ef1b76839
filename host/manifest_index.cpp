#include "manifest_index.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace mosaic::host {

namespace {

// 3: each command carries its tree (manifest schema 2) as a fourth field; an index of an
// older version is not read, so it is rebuilt from the manifests.
constexpr std::string_view magic = "mosaic-plugin-index\t3\n";

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

// Reads straight into `text` (no bounce buffer: a large one on the stack costs page faults;
// and no zero-filling first: with command trees an index is a megabyte for 200 plugins).
bool slurp(const std::string& path, std::unique_ptr<char[]>& text, std::size_t& used) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    std::size_t size = ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<std::size_t>(st.st_size) : 0;
    std::size_t capacity = 0;
    used = 0;
    ssize_t n = 0;
    do {
        if (used == capacity) {  // +1: see EOF at once
            capacity = std::max(used * 2, size + 1);
            std::unique_ptr<char[]> bigger(new char[capacity]);
            if (used > 0) std::memcpy(bigger.get(), text.get(), used);
            text = std::move(bigger);
        }
        n = ::read(fd, text.get() + used, capacity - used);
        if (n > 0) used += static_cast<std::size_t>(n);
    } while (n > 0 || (n < 0 && errno == EINTR));
    ::close(fd);
    return n == 0;
}

// Fields are tab-separated, records newline-separated; '\\', '\t' and '\n' are escaped.
void put(std::string& out, std::string_view field) {
    out += '\t';
    for (char c : field) {
        if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
}

class Fields {
public:
    explicit Fields(std::string_view line) : rest_(line) {}
    bool next(std::string_view& raw) {
        if (done_) return false;
        auto tab = rest_.find('\t');
        raw = rest_.substr(0, tab);
        if (tab == std::string_view::npos) done_ = true;
        else rest_.remove_prefix(tab + 1);
        return true;
    }
    bool next(std::string& out) {
        std::string_view raw;
        if (!next(raw)) return false;
        if (raw.find('\\') == std::string_view::npos) {
            out = std::string(raw);  // one exact allocation; assign() would grow the SSO buffer
            return true;
        }
        out.clear();
        for (std::size_t i = 0; i < raw.size(); ++i) {
            char c = raw[i];
            if (c == '\\' && i + 1 < raw.size()) {
                char e = raw[++i];
                c = e == 't' ? '\t' : e == 'n' ? '\n' : e;
            }
            out += c;
        }
        return true;
    }
    template <class T>
    bool next_number(T& v) {
        std::string_view raw;
        if (!next(raw) || raw.empty()) return false;
        auto [p, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
        return ec == std::errc() && p == raw.data() + raw.size();
    }
    // A field written as "<length>:<text>": the text, stepped over without looking into it.
    bool next_sized(std::string_view& raw) {
        std::size_t n = 0;
        auto colon = done_ ? std::string_view::npos : rest_.find(':');
        if (colon == std::string_view::npos || colon == 0) return false;
        auto [p, ec] = std::from_chars(rest_.data(), rest_.data() + colon, n);
        if (ec != std::errc() || p != rest_.data() + colon || n > rest_.size() - colon - 1) return false;
        raw = rest_.substr(colon + 1, n);
        rest_.remove_prefix(colon + 1 + n);
        if (rest_.empty()) return done_ = true;
        if (rest_[0] != '\t') return false;
        rest_.remove_prefix(1);
        return true;
    }
    std::string_view rest() const { return done_ ? std::string_view() : rest_; }
    bool at_end() const { return done_; }

private:
    std::string_view rest_;
    bool done_ = false;
};

// Relative to `dir_fd` when there is one: no path to build, one component to resolve.
std::optional<ManifestKey> key_of(int dir_fd, const std::string& file_name, const std::string& path) {
    struct stat st {};
    int rc = dir_fd >= 0 ? ::fstatat(dir_fd, file_name.c_str(), &st, 0) : ::stat(path.c_str(), &st);
    if (rc != 0) return std::nullopt;
    return ManifestKey{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                       static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

}  // namespace

ManifestIndex::ManifestIndex(const std::string& index_dir, const std::string& plugin_dir, int dir_fd,
                             std::optional<std::string> tree_of)
    : plugin_dir_(plugin_dir), dir_fd_(dir_fd), tree_of_(std::move(tree_of)) {
    if (index_dir.empty()) return;
    file_ = fmt::format("{}/{:016x}.idx", index_dir, fnv1a(plugin_dir));
    // Layout: magic line, the directory (so a hash collision is only a miss), records.
    if (!slurp(file_, text_, text_size_)) return;
    std::string_view t(text_.get(), text_size_);
    std::string header = std::string(magic) + plugin_dir + "\n";
    if (t.substr(0, header.size()) != header) return;
    t.remove_prefix(header.size());
    std::vector<Parsed> records;
    while (!t.empty()) {
        auto nl = t.find('\n');
        if (nl == std::string_view::npos) return;  // truncated: ignore the whole index
        auto rec = parse_record(t.substr(0, nl));
        // Out of order or repeated: not an index this code wrote; ignore the whole of it.
        if (!rec || (!records.empty() && !(records.back().file < rec->file))) return;
        records.push_back(*rec);
        t.remove_prefix(nl + 1);
    }
    old_ = std::move(records);
}

const ManifestIndex::Parsed* ManifestIndex::find_old(std::string_view file_name) {
    if (cursor_ < old_.size() && old_[cursor_].file == file_name) return &old_[cursor_++];
    auto it = std::lower_bound(old_.begin(), old_.end(), file_name,
                               [](const Parsed& p, std::string_view f) { return p.file < f; });
    if (it == old_.end() || it->file != file_name) return nullptr;
    cursor_ = static_cast<std::size_t>(it - old_.begin()) + 1;
    return &*it;
}

ManifestOrError ManifestIndex::get(const std::string& file_name) {
    std::string path = dir_fd_ >= 0 ? std::string() : plugin_dir_ + "/" + file_name;
    auto key = key_of(dir_fd_, file_name, path);
    if (key && !file_.empty()) {
        if (const Parsed* old = find_old(file_name); old != nullptr && old->key == *key) {
            if (auto value = decode_value(old->value, tree_of_)) {
                ++hits_;
                // The whole line, from the file name to the end of the value.
                const char* begin = old->file.data();
                keep_.emplace_back(begin, static_cast<std::size_t>(old->value.data() + old->value.size() - begin));
                return std::move(*value);
            }
        }
    }
    if (path.empty()) path = plugin_dir_ + "/" + file_name;
    ++misses_;
    ManifestOrError result;
    try {
        result = manifest::load(path);
    } catch (const std::exception& e) {
        result = std::string(e.what());
    }
    // Only a file that stayed put while we read it is worth remembering.
    if (key && !file_.empty() && key == key_of(dir_fd_, file_name, path)) {
        owned_.push_back(encode_record(file_name, *key, result));  // a deque: views stay valid
        keep_.push_back(owned_.back());
    }
    if (auto* m = std::get_if<manifest::Manifest>(&result); m && tree_of_)  // as from the index
        for (auto& c : m->commands)
            if (c.name != *tree_of_) c.tree.clear();
    return result;
}

void ManifestIndex::save() {
    if (file_.empty() || (misses_ == 0 && keep_.size() == old_.size())) return;
    // Sorted by file name, as the constructor requires; a name repeated keeps its last record.
    auto name_of = [](std::string_view r) { return r.substr(0, r.find('\t')); };
    std::stable_sort(keep_.begin(), keep_.end(),
                     [&](std::string_view a, std::string_view b) { return name_of(a) < name_of(b); });
    std::vector<std::string_view> records;
    for (auto r : keep_) {
        if (!records.empty() && name_of(records.back()) == name_of(r)) records.back() = r;
        else records.push_back(r);
    }
    std::string text = std::string(magic) + plugin_dir_ + "\n";
    for (auto r : records) {
        text += r;
        text += '\n';
    }
    auto slash = file_.rfind('/');
    std::string dir = file_.substr(0, slash);
    for (std::size_t p = 1; p <= dir.size(); ++p)  // mkdir -p, best effort
        if (p == dir.size() || dir[p] == '/') ::mkdir(dir.substr(0, p).c_str(), 0755);
    std::string tmp = file_ + ".tmp." + std::to_string(::getpid());
    // A new file, never one found there (a link planted at this predictable name would have the
    // write truncate its target).
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return;
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), file_.c_str()) != 0) ::unlink(tmp.c_str());
}

std::string ManifestIndex::encode_record(const std::string& file_name, const ManifestKey& key,
                                         const ManifestOrError& value) {
    std::string out;
    put(out, file_name);
    out.erase(0, 1);  // no tab before the first field
    put(out, std::to_string(key.inode));
    put(out, std::to_string(key.size));
    put(out, std::to_string(key.mtime_ns));
    if (const auto* err = std::get_if<std::string>(&value)) {
        put(out, "err");
        put(out, *err);
        return out;
    }
    const auto& m = std::get<manifest::Manifest>(value);
    put(out, "ok");
    put(out, m.name);
    put(out, m.library);
    put(out, std::to_string(m.abi_major));
    put(out, std::to_string(m.abi_minor));
    put(out, m.version);
    put(out, m.vendor);
    put(out, m.summary);
    put(out, std::to_string(m.commands.size()));
    for (const auto& c : m.commands) {
        put(out, c.name);
        put(out, c.summary);
        put(out, c.usage);
        std::string tree;
        put(tree, c.tree);  // escaped, after a tab
        out += '\t' + std::to_string(tree.size() - 1) + ":" + tree.substr(1);
    }
    put(out, std::to_string(m.services.size()));
    for (const auto& s : m.services) {
        put(out, s.name);
        put(out, s.summary);
    }
    return out;
}

std::optional<ManifestIndex::Parsed> ManifestIndex::parse_record(std::string_view line) {
    Fields f(line);
    Parsed p;
    if (!f.next(p.file) || p.file.empty() || p.file.find('\\') != std::string_view::npos) return std::nullopt;
    if (!f.next_number(p.key.inode) || !f.next_number(p.key.size) || !f.next_number(p.key.mtime_ns)) return std::nullopt;
    p.value = f.rest();
    if (p.value.empty()) return std::nullopt;
    return p;
}

std::optional<ManifestOrError> ManifestIndex::decode_value(std::string_view value,
                                                          const std::optional<std::string>& tree_of) {
    Fields f(value);
    std::string_view kind;
    if (!f.next(kind)) return std::nullopt;
    if (kind == "err") {
        std::string err;
        if (!f.next(err) || !f.at_end()) return std::nullopt;
        return ManifestOrError(std::move(err));
    }
    if (kind != "ok") return std::nullopt;
    manifest::Manifest m;
    std::size_t n = 0;
    if (!f.next(m.name) || !f.next(m.library) || !f.next_number(m.abi_major) || !f.next_number(m.abi_minor) ||
        !f.next(m.version) || !f.next(m.vendor) || !f.next(m.summary) || !f.next_number(n) || n > 10000)
        return std::nullopt;
    m.commands.resize(n);
    for (auto& c : m.commands) {
        std::string_view tree;
        if (!f.next(c.name) || !f.next(c.summary) || !f.next(c.usage) || !f.next_sized(tree)) return std::nullopt;
        if (!tree_of || c.name == *tree_of) Fields(tree).next(c.tree);  // unescaped only when kept
    }
    if (!f.next_number(n) || n > 10000) return std::nullopt;
    m.services.resize(n);
    for (auto& s : m.services)
        if (!f.next(s.name) || !f.next(s.summary)) return std::nullopt;
    if (!f.at_end()) return std::nullopt;
    // The same rules as a manifest file (a record is only ever written from a valid one):
    // an index edited by hand to name "../x.so" is not trusted, it is re-read. A command's
    // tree stays text until completion decodes it, by the file's rules again
    // (manifest::decode_tree), so a start-up pays nothing for trees.
    try {
        manifest::validate(m);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return ManifestOrError(std::move(m));
}

}  // namespace mosaic::host
