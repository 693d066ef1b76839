// The smallest real Mosaic plugin: one command, one service. Built in-tree by the SDK and
// out of tree against an installed SDK by the tests (see examples/hello/CMakeLists.txt).
#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>

class HelloPlugin final : public mosaic::Plugin {
public:
    static constexpr mosaic::PluginInfo info{"hello", "1.0.0", "Mosaic", "example plugin that greets"};
    static constexpr std::array commands{mosaic::CommandInfo{"hello", "print a greeting", "hello [NAME] [--shout]"}};
    static constexpr std::array services{mosaic::ServiceInfo{"hello.greet", "return a greeting as JSON"}};

    using Plugin::Plugin;

    int run(const std::string& /*command*/, const std::vector<std::string>& args) override {
        CLI::App app{"print a greeting", "mosaic hello"};
        std::string name = "world";
        bool shout = false;
        app.add_option("name", name, "who to greet");
        app.add_flag("--shout", shout, "greet loudly");
        if (auto rc = mosaic::parse_cli(app, ctx(), args)) return *rc;
        if (name.empty()) throw mosaic::Error(mosaic::exit_usage, "the name must not be empty");
        ctx().out(greeting(name, shout) + "\n");
        return 0;
    }

    nlohmann::json call(const std::string& service, const nlohmann::json& input) override {
        if (service != "hello.greet") return Plugin::call(service, input);
        std::string name = input.value("name", "world");
        return {{"greeting", greeting(name, false)}};
    }

private:
    static std::string greeting(const std::string& name, bool shout) {
        std::string g = "Hello, " + name + "!";
        if (shout)
            for (auto& c : g) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return g;
    }
};

MOSAIC_PLUGIN(HelloPlugin)
