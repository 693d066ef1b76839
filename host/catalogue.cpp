#include "catalogue.hpp"

namespace mosaic::host {

const std::vector<CatalogueEntry>& first_party_catalogue() {
    static const std::vector<CatalogueEntry> entries{
        {"agent", "mosaic-plugin-agent", {"agent"}, {"agent."}},
        {"config-hooks", "mosaic-plugin-config-hooks", {"config"}, {"hooks.", "config."}},
        {"fleet", "mosaic-plugin-fleet", {"fleet", "yolo", "compose-contract"}, {"fleet."}},
        {"gateway", "mosaic-plugin-gateway", {"gateway"}, {"gateway."}},
        {"wizard", "mosaic-plugin-wizard", {"wizard"}, {}},
    };
    return entries;
}

const CatalogueEntry* catalogue_entry_for_command(std::string_view command) {
    for (const auto& e : first_party_catalogue())
        for (const char* c : e.commands)
            if (command == c) return &e;
    return nullptr;
}

const CatalogueEntry* catalogue_entry_for_service(std::string_view service) {
    for (const auto& e : first_party_catalogue())
        for (const char* p : e.service_prefixes)
            if (service.substr(0, std::string_view(p).size()) == p && service.size() > std::string_view(p).size())
                return &e;
    return nullptr;
}

std::string not_installed_message(const CatalogueEntry& e, std::string_view kind, std::string_view name) {
    return "the '" + std::string(name) + "' " + std::string(kind) + " is provided by package " + e.package +
           ", which is not installed";
}

}  // namespace mosaic::host
