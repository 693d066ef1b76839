// catalogue.hpp - the first-party plugins the host knows by name (docs/behaviour.md, "First-party plugin catalogue"), so that a
// command or service whose plugin is not installed names the package that provides it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic::host {

struct CatalogueEntry {
    const char* plugin;
    const char* package;
    std::vector<const char*> commands;
    std::vector<const char*> service_prefixes;  // e.g. "gateway." covers gateway.start
};

const std::vector<CatalogueEntry>& first_party_catalogue();

const CatalogueEntry* catalogue_entry_for_command(std::string_view command);
const CatalogueEntry* catalogue_entry_for_service(std::string_view service);

// "the 'gateway' command is provided by package mosaic-plugin-gateway, which is not installed"
std::string not_installed_message(const CatalogueEntry& e, std::string_view kind, std::string_view name);

}  // namespace mosaic::host
