#include <mosaic/doctor.hpp>

#include <fmt/format.h>

#include <mosaic/support/table.hpp>

namespace mosaic::doctor {

std::string render(const std::vector<Row>& rows, bool color) {
    bool plugins = false;
    for (const auto& r : rows) plugins = plugins || !r.plugin.empty();
    std::vector<support::Row> table{plugins ? support::Row{"PLUGIN", "CHECK", "STATUS", "DETAIL"}
                                            : support::Row{"CHECK", "STATUS", "DETAIL"}};
    for (const auto& r : rows) {
        const Check& c = r.check;
        std::string detail = c.detail + (c.latency_ms ? fmt::format(" ({:.1f} ms)", *c.latency_ms) : "");
        support::Row row{c.name, {c.ok ? "ok" : "FAIL", c.ok ? Tone::ok : Tone::bad}, detail};
        if (plugins) row.insert(row.begin(), r.plugin);
        table.push_back(std::move(row));
        if (!c.ok && !c.fix.empty()) {
            support::Row fix(plugins ? 3 : 2, support::Cell(""));
            fix.push_back({"fix: " + c.fix, Tone::warn});
            table.push_back(std::move(fix));
        }
    }
    return support::render_table(table, color);
}

}  // namespace mosaic::doctor
