// fleet_doctor - the health of the fleet's prerequisites, for `mosaic doctor` (the
// fleet.doctor service): the roster parses; tmux is on PATH; the user's systemd answers; the
// units are installed; each roster runtime can be started. Asks systemctl one question
// (show-environment); starts nothing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <mosaic/doctor.hpp>
#include <mosaic/support/process.hpp>

namespace mosaic::fleet {

struct DoctorInputs {
    std::filesystem::path roster_path;
    std::filesystem::path unit_dir;  // user_unit_dir(...)
    std::string path_env;            // where tmux and the runtimes are looked up
};

std::vector<doctor::Check> check_fleet(const DoctorInputs& in, support::CommandRunner& runner);

}  // namespace mosaic::fleet
