#include <gtest/gtest.h>

#include <mosaic/host_side.hpp>

#include "terminal.hpp"

using namespace mosaic::host;

TEST(HeadlessPrompt, NamesTheVariableOrFlagToUse) {
    using mosaic::host_side::headless_message;
    EXPECT_EQ(headless_message("Admin email", "MOSAIC_ADMIN_EMAIL", false),
              "cannot ask 'Admin email' without a terminal; set MOSAIC_ADMIN_EMAIL");
    EXPECT_EQ(headless_message("Overwrite?", "--force", true),
              "cannot ask 'Overwrite?' without a terminal; pass --force or pass --yes");
}

TEST(HeadlessPrompt, LineUsesTheDefaultAndFailsWithoutOne) {
    Terminal t(false, false, false);
    EXPECT_FALSE(t.interactive());
    auto r = t.line("Name", std::string("Mosaic"), "MOSAIC_AGENT_NAME");
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.text, "Mosaic");
    r = t.line("Name", std::nullopt, "MOSAIC_AGENT_NAME");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.text.find("MOSAIC_AGENT_NAME"), std::string::npos);
}

TEST(HeadlessPrompt, SecretAlwaysFails) {
    Terminal t(true, true, false);
    auto r = t.secret("Password", "MOSAIC_ADMIN_PASSWORD");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.text.find("MOSAIC_ADMIN_PASSWORD"), std::string::npos);
}

TEST(HeadlessPrompt, ConfirmIsYesOnlyWhenTheUserAssumedYes) {
    bool answer = false;
    EXPECT_EQ(Terminal(true, false, false).confirm("Go?", false, "--force", answer).code, 0);
    EXPECT_TRUE(answer);
    auto r = Terminal(false, false, false).confirm("Go?", true, "--force", answer);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.text.find("--yes"), std::string::npos);
}

TEST(HeadlessPrompt, SelectTakesTheDefault) {
    uint32_t chosen = 9;
    EXPECT_EQ(Terminal(false, false, false).select("Pick", {"a", "b", "c"}, 2, "X", chosen).code, 0);
    EXPECT_EQ(chosen, 2u);
}

TEST(Terminal, IsInteractiveOnlyOnATtyWithoutYes) {
    EXPECT_TRUE(Terminal(false, true, true).interactive());
    EXPECT_FALSE(Terminal(true, true, true).interactive());
    EXPECT_FALSE(Terminal(false, false, true).interactive());
}
