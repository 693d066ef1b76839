// mosaic/support/table.hpp - the one way mosaic prints a table: columns padded to their
// widest cell with two spaces between them, the last column not padded, the first row the
// header. Widths are measured on the plain text, so colour (mosaic/tone.hpp) never shifts a
// column.
#pragma once

#include <string>
#include <vector>

#include <mosaic/tone.hpp>

namespace mosaic::support {

struct Cell {
    std::string text;
    Tone tone = Tone::plain;
    Cell(std::string t, Tone to = Tone::plain) : text(std::move(t)), tone(to) {}  // NOLINT: rows are brace lists
    Cell(const char* t, Tone to = Tone::plain) : text(t), tone(to) {}             // NOLINT
};
using Row = std::vector<Cell>;

// `rows[0]` is the header (drawn Tone::strong with colour). Rows may be shorter than the
// header. `indent` spaces start every line. `color`: paint the cells' tones.
std::string render_table(const std::vector<Row>& rows, bool color, std::size_t indent = 0);

}  // namespace mosaic::support
