#include <mosaic/support/table.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace mosaic::support {

std::string render_table(const std::vector<Row>& rows, bool color, std::size_t indent) {
    std::vector<std::size_t> width;
    for (const auto& row : rows) {
        if (width.size() < row.size()) width.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].text.size());
    }
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line(indent, ' ');
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
            const Cell& cell = rows[r][i];
            Tone tone = r == 0 ? Tone::strong : cell.tone;
            bool last = i + 1 == rows[r].size();
            std::string text = color ? paint(cell.text, tone) : cell.text;
            // The padding is computed on the plain text; paint() adds invisible bytes only.
            line += last ? text : fmt::format("{}{:{}}", text, "", width[i] - cell.text.size() + 2);
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace mosaic::support
