#include "storage.hpp"

#include "sqlite_storage.hpp"
#include "team_storage.hpp"

namespace mosaic::gateway {

std::unique_ptr<Storage> open_storage(const GatewaySettings& settings, const std::string& data_dir) {
    if (settings.tier == "team") return std::make_unique<TeamStorage>(settings.database_url, settings.valkey_url);
    return std::make_unique<SqliteStorage>(data_dir + "/gateway.sqlite3");
}

}  // namespace mosaic::gateway
