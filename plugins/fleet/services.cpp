// The fleet services (docs/services.md): fleet.status and fleet.doctor.
#include "commands.hpp"

#include "fleet_doctor.hpp"
#include "roster.hpp"
#include "status.hpp"
#include "systemd_units.hpp"

namespace mosaic::fleet {

nlohmann::json serve_status(const nlohmann::json&, Deps& d) {
    return status_json(collect_status(load_roster(d.roster_path), d.roster_path.string(), d.seams.runner,
                                      restart_lock_path(d.ctx.home())));
}

nlohmann::json serve_doctor(const nlohmann::json&, Deps& d) {
    DoctorInputs in{d.roster_path, user_unit_dir(d.env("XDG_CONFIG_HOME"), d.user_home), d.path_env};
    return doctor::to_json(check_fleet(in, d.seams.runner));
}

}  // namespace mosaic::fleet
