#include <gtest/gtest.h>

#include "log_tail.hpp"

namespace gw = mosaic::gateway;

TEST(LogTail, KeepsTheLastNonEmptyLines) {
    std::string text;
    for (int i = 1; i <= 40; ++i) text += "line " + std::to_string(i) + "\n\n  \n";
    auto l = gw::last_lines(text, 30, true);
    ASSERT_EQ(l.size(), 30u);
    EXPECT_EQ(l.front(), "line 11");
    EXPECT_EQ(l.back(), "line 40");
}

TEST(LogTail, FewerLinesThanAskedAndNoFinalNewline) {
    auto l = gw::last_lines("a\nb", 30, true);
    EXPECT_EQ(l, (std::vector<std::string>{"a", "b"}));
}
