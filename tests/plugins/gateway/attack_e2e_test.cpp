// Attacks by another user of the same machine on `mosaic gateway install`, end to end with the
// built binary (MosaicTestEnv): a program squatting the gateway's port, symbolic links planted
// in the gateway's directory, and directories others can write to on the path to its secrets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <poll.h>
#include <thread>

#include "e2e_world.hpp"

using namespace gateway_test;
using nlohmann::json;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

namespace {

// Listens on 127.0.0.1:port first and answers like a gateway that needs its first admin:
// what a local user can run to collect the password install sends. Records every request.
class Squatter {
public:
    explicit Squatter(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int yes = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("the squatter cannot listen");
        thread_ = std::thread([this] { serve(); });
    }
    ~Squatter() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::vector<std::string> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }
    bool saw(const std::string& request_line) {
        for (const auto& r : requests())
            if (r.rfind(request_line, 0) == 0) return true;
        return false;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            timeval tv{2, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            std::string in;
            char buf[4096];
            std::size_t need = std::string::npos;
            while (need == std::string::npos || in.size() < need) {
                ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                in.append(buf, static_cast<std::size_t>(n));
                auto end = in.find("\r\n\r\n");
                if (end != std::string::npos && need == std::string::npos) {
                    std::size_t length = 0;
                    auto cl = in.find("Content-Length: ");
                    if (cl != std::string::npos && cl < end) length = std::stoul(in.substr(cl + 16));
                    need = end + 4 + length;
                }
            }
            {
                std::lock_guard lock(mu_);
                requests_.push_back(in);
            }
            std::string body = R"({"error":"not_found","message":"no"})";
            int status = 404;
            if (in.rfind("GET /health", 0) == 0) {
                status = 200;
                body = R"({"status":"ok","version":"0.1.0","tier":"local","backends":{}})";
            } else if (in.rfind("GET /api/bootstrap/status", 0) == 0) {
                status = 200;
                body = R"({"needsSetup":true})";
            } else if (in.rfind("POST /api/bootstrap/setup", 0) == 0) {
                status = 201;
                body = R"({"user":{"id":1},"token":"mgw_squatter","tokenId":1})";
            }
            std::string out = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
                              "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
            ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> requests_;
};

class GatewayAttackE2E : public GatewayE2EWorld {};

}  // namespace

TEST_F(GatewayAttackE2E, APortSquatterNeverReceivesThePasswordAndInstallFailsNamingThePortAndItsHolder) {
    Squatter squatter(port);
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("127.0.0.1:" + std::to_string(port)));
    EXPECT_THAT(r.err, HasSubstr("pid " + std::to_string(::getpid())));
    EXPECT_EQ(r.out.find("admin created"), std::string::npos) << r.out;
    EXPECT_FALSE(squatter.saw("POST /api/bootstrap/setup"));
    for (const auto& request : squatter.requests()) EXPECT_EQ(request.find("securepass123"), std::string::npos) << request;
    auto meta = json::parse(read(paths.meta_file));
    EXPECT_FALSE(meta.contains("admin_exists")) << meta;

    auto st = env.mosaic({"gateway", "status", "--json"});
    ASSERT_EQ(st.exit_code, 3) << st.err;  // our daemon is not running: the squatter holds the port
    auto j = json::parse(st.out);
    EXPECT_EQ(j["healthy"], false) << j;
    EXPECT_THAT(j["port_holder"].get<std::string>(), HasSubstr("pid " + std::to_string(::getpid())));
    auto text = env.mosaic({"gateway", "status"});
    EXPECT_THAT(text.out, HasSubstr("not healthy"));
    EXPECT_THAT(text.out, HasSubstr("not this gateway"));
}

TEST_F(GatewayAttackE2E, ASymlinkPlantedAtTheLogFileIsRefusedAndItsTargetIsUntouched) {
    std::filesystem::create_directories(paths.dir);
    std::filesystem::permissions(paths.dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    auto victim = env.home / ".bashrc";
    std::ofstream(victim) << "echo safe\n";
    std::filesystem::create_symlink(victim, paths.log_file);
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("'" + paths.log_file.string() + "' is a symbolic link"));
    EXPECT_EQ(read(victim), "echo safe\n");
    EXPECT_TRUE(std::filesystem::is_symlink(paths.log_file));
}

TEST_F(GatewayAttackE2E, AWorldWritableMosaicHomeIsRefusedBeforeAnythingIsWritten) {
    std::filesystem::create_directories(env.mosaic_home);
    std::filesystem::permissions(env.mosaic_home, std::filesystem::perms::all, std::filesystem::perm_options::replace);
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("'" + env.mosaic_home.string() + "' is writable by others (mode 0777)"));
    EXPECT_THAT(r.err, HasSubstr("chmod go-w"));
    EXPECT_FALSE(std::filesystem::exists(paths.env_file));
}

TEST_F(GatewayAttackE2E, GatewayDirectoriesPlantedByAnotherUserAreRefused) {
    std::filesystem::create_directories(paths.data_dir);
    std::filesystem::permissions(env.mosaic_home, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    for (const auto& d : {paths.dir, paths.data_dir}) {
        ASSERT_EQ(::chown(d.c_str(), 65534, 65534), 0);
        std::filesystem::permissions(d, std::filesystem::perms::all, std::filesystem::perm_options::replace);
    }
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("'" + paths.dir.string() + "' is owned by uid 65534"));
    EXPECT_FALSE(std::filesystem::exists(paths.env_file));
}

TEST_F(GatewayAttackE2E, DoctorReportsADirectoryOthersCanWriteOnThePathToTheSecrets) {
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    std::filesystem::permissions(paths.dir, std::filesystem::perms::all, std::filesystem::perm_options::replace);
    auto r = env.mosaic({"gateway", "doctor"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_THAT(r.out, ContainsRegex("permissions +FAIL +'" + paths.dir.string() + "' is writable by others"));
    EXPECT_EQ(env.mosaic({"gateway", "start"}).exit_code, 3);
    std::filesystem::permissions(paths.dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
    env.mosaic({"gateway", "stop"});
}
