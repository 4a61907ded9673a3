// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/access_control.h"

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace rsm::transport {

// Found by gtest through ADL: failures then name the decision instead of
// dumping bytes.
void PrintTo(const AccessResult& result, std::ostream* os) {
  *os << "{" << AccessDecisionName(result.decision) << ", 0" << std::oct
      << result.granted_mode << std::dec << "}";
}

namespace {

// Every expected value below is written out by hand from the rule in
// rsm_memseg_export_publish(3RSM) on access lists; none is computed with the
// code's formula.

constexpr uint32_t kR = kPermRead;        // 0400
constexpr uint32_t kW = kPermWrite;       // 0200
constexpr uint32_t kRW = kPermReadWrite;  // 0600

constexpr uint32_t kOwnerUid = 100;
constexpr uint32_t kOwnerGid = 200;

constexpr AccessResult Granted(uint32_t mode) {
  return {AccessDecision::kGranted, mode};
}
constexpr AccessResult kDenied{AccessDecision::kPermissionDenied, 0};
constexpr AccessResult kNotToNode{AccessDecision::kNotPublishedToNode, 0};

ExportAccess WithAcl(std::vector<AccessEntry> acl) {
  return {std::move(acl), /*creator_mode=*/0700, kOwnerUid, kOwnerGid};
}
ExportAccess WithoutAcl(uint32_t creator_mode) {
  return {{}, creator_mode, kOwnerUid, kOwnerGid};
}

// The four kinds of importer. The owner's gid is deliberately not the
// exporter's: the uid alone makes an owner.
enum class Who { kOwner, kGroupPrimary, kGroupSupplementary, kOther };

Importer MakeImporter(Who who, uint32_t node) {
  switch (who) {
    case Who::kOwner:
      return {node, kOwnerUid, 999, {}};
    case Who::kGroupPrimary:
      return {node, 101, kOwnerGid, {}};
    case Who::kGroupSupplementary:
      return {node, 102, 300, {250, kOwnerGid}};
    case Who::kOther:
      return {node, 103, 300, {301, 302}};
  }
  return {};
}

// ---------------------------------------------------------------------------
// The matrix: access list present / absent x importing node listed / not
// listed x owner / group member (primary, supplementary) / other x read /
// write / read-write.
//
// With a list: {node 1: 0624, node 3: 0666}; node 1 is listed, node 2 is not.
// 0624 is the man page's example (rsm_memseg_export_publish): owner rw (6),
// group w only (2), other r only (4). Node mode for node 1 = 0666 & 0624 =
// 0624.
//
// Without a list: creator_mode 0750 (umask 027), so every node gets node mode
// 0666 & 0750 = 0640: owner rw (6), group r (4), other nothing (0). Nodes 1
// and 2 must fare the same.
//
// access = 0444 for read, 0222 for write, 0666 for both; eff = access & node
// mode; the importer's digit of eff must hold every requested right.

struct MatrixRow {
  const char* name;
  bool has_acl;
  uint32_t node;
  Who who;
  uint32_t requested;
  AccessResult expected;
  const char* why;
};

constexpr uint32_t kListed = 1;
constexpr uint32_t kUnlisted = 2;

const MatrixRow kMatrix[] = {
    // --- list present, node 1 listed with 0624 ---
    {"Acl_Listed_Owner_Read", true, kListed, Who::kOwner, kR, Granted(0404),
     "eff = 0444 & 0624 = 0404; owner digit 4 has read"},
    {"Acl_Listed_Owner_Write", true, kListed, Who::kOwner, kW, Granted(0220),
     "eff = 0222 & 0624 = 0220; owner digit 2 has write"},
    {"Acl_Listed_Owner_ReadWrite", true, kListed, Who::kOwner, kRW,
     Granted(0624), "eff = 0666 & 0624 = 0624; owner digit 6 has both"},
    {"Acl_Listed_GroupPrimary_Read", true, kListed, Who::kGroupPrimary, kR,
     kDenied, "eff = 0404; group digit 0: no read"},
    {"Acl_Listed_GroupPrimary_Write", true, kListed, Who::kGroupPrimary, kW,
     Granted(0220), "eff = 0220; group digit 2 has write"},
    {"Acl_Listed_GroupPrimary_ReadWrite", true, kListed, Who::kGroupPrimary,
     kRW, kDenied, "eff = 0624; group digit 2 lacks read"},
    {"Acl_Listed_GroupSupplementary_Read", true, kListed,
     Who::kGroupSupplementary, kR, kDenied,
     "as primary: eff = 0404, group digit 0"},
    {"Acl_Listed_GroupSupplementary_Write", true, kListed,
     Who::kGroupSupplementary, kW, Granted(0220),
     "as primary: eff = 0220, group digit 2"},
    {"Acl_Listed_GroupSupplementary_ReadWrite", true, kListed,
     Who::kGroupSupplementary, kRW, kDenied,
     "as primary: eff = 0624, group digit 2 lacks read"},
    {"Acl_Listed_Other_Read", true, kListed, Who::kOther, kR, Granted(0404),
     "eff = 0404; other digit 4 has read"},
    {"Acl_Listed_Other_Write", true, kListed, Who::kOther, kW, kDenied,
     "eff = 0220; other digit 0: no write"},
    {"Acl_Listed_Other_ReadWrite", true, kListed, Who::kOther, kRW, kDenied,
     "eff = 0624; other digit 4 lacks write"},

    // --- list present, node 2 not on it: refused before any credential ---
    {"Acl_Unlisted_Owner_Read", true, kUnlisted, Who::kOwner, kR, kNotToNode,
     "node 2 not in list"},
    {"Acl_Unlisted_Owner_Write", true, kUnlisted, Who::kOwner, kW, kNotToNode,
     "node 2 not in list"},
    {"Acl_Unlisted_Owner_ReadWrite", true, kUnlisted, Who::kOwner, kRW,
     kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_GroupPrimary_Read", true, kUnlisted, Who::kGroupPrimary, kR,
     kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_GroupPrimary_Write", true, kUnlisted, Who::kGroupPrimary, kW,
     kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_GroupPrimary_ReadWrite", true, kUnlisted, Who::kGroupPrimary,
     kRW, kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_GroupSupplementary_Read", true, kUnlisted,
     Who::kGroupSupplementary, kR, kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_GroupSupplementary_Write", true, kUnlisted,
     Who::kGroupSupplementary, kW, kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_GroupSupplementary_ReadWrite", true, kUnlisted,
     Who::kGroupSupplementary, kRW, kNotToNode, "node 2 not in list"},
    {"Acl_Unlisted_Other_Read", true, kUnlisted, Who::kOther, kR, kNotToNode,
     "node 2 not in list"},
    {"Acl_Unlisted_Other_Write", true, kUnlisted, Who::kOther, kW, kNotToNode,
     "node 2 not in list"},
    {"Acl_Unlisted_Other_ReadWrite", true, kUnlisted, Who::kOther, kRW,
     kNotToNode, "node 2 not in list"},

    // --- no list, node 1: node mode 0640 ---
    {"NoAcl_Node1_Owner_Read", false, kListed, Who::kOwner, kR, Granted(0440),
     "eff = 0444 & 0640 = 0440; owner digit 4 has read"},
    {"NoAcl_Node1_Owner_Write", false, kListed, Who::kOwner, kW, Granted(0200),
     "eff = 0222 & 0640 = 0200; owner digit 2 has write"},
    {"NoAcl_Node1_Owner_ReadWrite", false, kListed, Who::kOwner, kRW,
     Granted(0640), "eff = 0640; owner digit 6 has both"},
    {"NoAcl_Node1_GroupPrimary_Read", false, kListed, Who::kGroupPrimary, kR,
     Granted(0440), "eff = 0440; group digit 4 has read"},
    {"NoAcl_Node1_GroupPrimary_Write", false, kListed, Who::kGroupPrimary, kW,
     kDenied, "eff = 0200; group digit 0: no write"},
    {"NoAcl_Node1_GroupPrimary_ReadWrite", false, kListed, Who::kGroupPrimary,
     kRW, kDenied, "eff = 0640; group digit 4 lacks write"},
    {"NoAcl_Node1_GroupSupplementary_Read", false, kListed,
     Who::kGroupSupplementary, kR, Granted(0440),
     "as primary: eff = 0440, group digit 4"},
    {"NoAcl_Node1_GroupSupplementary_Write", false, kListed,
     Who::kGroupSupplementary, kW, kDenied,
     "as primary: eff = 0200, group digit 0"},
    {"NoAcl_Node1_GroupSupplementary_ReadWrite", false, kListed,
     Who::kGroupSupplementary, kRW, kDenied,
     "as primary: eff = 0640, group digit 4 lacks write"},
    {"NoAcl_Node1_Other_Read", false, kListed, Who::kOther, kR, kDenied,
     "eff = 0440; other digit 0"},
    {"NoAcl_Node1_Other_Write", false, kListed, Who::kOther, kW, kDenied,
     "eff = 0200; other digit 0"},
    {"NoAcl_Node1_Other_ReadWrite", false, kListed, Who::kOther, kRW, kDenied,
     "eff = 0640; other digit 0"},

    // --- no list, node 2: every node may connect, same as node 1 ---
    {"NoAcl_Node2_Owner_Read", false, kUnlisted, Who::kOwner, kR, Granted(0440),
     "no list: any node; eff = 0440, owner digit 4"},
    {"NoAcl_Node2_Owner_Write", false, kUnlisted, Who::kOwner, kW,
     Granted(0200), "no list: any node; eff = 0200, owner digit 2"},
    {"NoAcl_Node2_Owner_ReadWrite", false, kUnlisted, Who::kOwner, kRW,
     Granted(0640), "no list: any node; eff = 0640, owner digit 6"},
    {"NoAcl_Node2_GroupPrimary_Read", false, kUnlisted, Who::kGroupPrimary, kR,
     Granted(0440), "no list: any node; eff = 0440, group digit 4"},
    {"NoAcl_Node2_GroupPrimary_Write", false, kUnlisted, Who::kGroupPrimary, kW,
     kDenied, "no list: any node; eff = 0200, group digit 0"},
    {"NoAcl_Node2_GroupPrimary_ReadWrite", false, kUnlisted, Who::kGroupPrimary,
     kRW, kDenied, "no list: any node; eff = 0640, group digit 4 lacks write"},
    {"NoAcl_Node2_GroupSupplementary_Read", false, kUnlisted,
     Who::kGroupSupplementary, kR, Granted(0440),
     "no list: any node; eff = 0440, group digit 4"},
    {"NoAcl_Node2_GroupSupplementary_Write", false, kUnlisted,
     Who::kGroupSupplementary, kW, kDenied,
     "no list: any node; eff = 0200, group digit 0"},
    {"NoAcl_Node2_GroupSupplementary_ReadWrite", false, kUnlisted,
     Who::kGroupSupplementary, kRW, kDenied,
     "no list: any node; eff = 0640, group digit 4 lacks write"},
    {"NoAcl_Node2_Other_Read", false, kUnlisted, Who::kOther, kR, kDenied,
     "no list: any node; other digit 0"},
    {"NoAcl_Node2_Other_Write", false, kUnlisted, Who::kOther, kW, kDenied,
     "no list: any node; other digit 0"},
    {"NoAcl_Node2_Other_ReadWrite", false, kUnlisted, Who::kOther, kRW, kDenied,
     "no list: any node; other digit 0"},
};

class AccessMatrixTest : public testing::TestWithParam<MatrixRow> {};

TEST_P(AccessMatrixTest, Decides) {
  const MatrixRow& row = GetParam();
  const ExportAccess exported =
      row.has_acl ? WithAcl({{kListed, 0624}, {3, 0666}}) : WithoutAcl(0750);
  EXPECT_EQ(
      DecideAccess(exported, MakeImporter(row.who, row.node), row.requested),
      row.expected)
      << row.why;
}

INSTANTIATE_TEST_SUITE_P(All, AccessMatrixTest, testing::ValuesIn(kMatrix),
                         [](const testing::TestParamInfo<MatrixRow>& info) {
                           return std::string(info.param.name);
                         });

// ---------------------------------------------------------------------------
// Other modes.

TEST(DecideAccessTest, MixedDigits0462) {
  // owner r (4), group rw (6), other w (2).
  const ExportAccess exported = WithAcl({{1, 0462}});
  // eff = 0222 & 0462 = 0022; owner digit 0.
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 1), kW), kDenied);
  // eff = 0444 & 0462 = 0440; owner digit 4.
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 1), kR),
            Granted(0440));
  // eff = 0666 & 0462 = 0462; group digit 6.
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kGroupPrimary, 1), kRW),
            Granted(0462));
  // eff = 0022; other digit 2.
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 1), kW),
            Granted(0022));
  // eff = 0440; other digit 0.
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 1), kR), kDenied);
}

TEST(DecideAccessTest, CreatorModeFromUmask022) {
  // 0777 & ~022 = 0755; node mode = 0666 & 0755 = 0644.
  const ExportAccess exported = WithoutAcl(0755);
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 5), kRW),
            Granted(0644));  // 0666 & 0644; owner digit 6
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kGroupPrimary, 5), kR),
            Granted(0444));  // 0444 & 0644; group digit 4
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kGroupPrimary, 5), kW),
            kDenied);  // 0222 & 0644 = 0200; group digit 0
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 5), kR),
            Granted(0444));  // other digit 4
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 5), kRW),
            kDenied);  // eff 0644; other digit 4 lacks write
}

TEST(DecideAccessTest, CreatorModeFromUmask077) {
  // 0777 & ~077 = 0700; node mode = 0666 & 0700 = 0600.
  const ExportAccess exported = WithoutAcl(0700);
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 5), kRW),
            Granted(0600));
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 5), kR),
            Granted(0400));
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kGroupPrimary, 5), kR),
            kDenied);  // eff 0400; group digit 0
  EXPECT_EQ(
      DecideAccess(exported, MakeImporter(Who::kGroupSupplementary, 5), kR),
      kDenied);
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 5), kR), kDenied);
}

TEST(DecideAccessTest, CreatorModeExecuteBitsCountForNothing) {
  // umask 0: 0777, node mode 0666 -- everyone read+write.
  EXPECT_EQ(DecideAccess(WithoutAcl(0777), MakeImporter(Who::kOther, 5), kRW),
            Granted(0666));
  // Execute only: node mode 0666 & 0111 = 0.
  EXPECT_EQ(DecideAccess(WithoutAcl(0111), MakeImporter(Who::kOwner, 5), kR),
            kDenied);
}

TEST(DecideAccessTest, ListReplacesCreatorModeRatherThanNarrowingIt) {
  // creator_mode 0700 would refuse others; the entry's 0666 alone counts.
  EXPECT_EQ(
      DecideAccess(WithAcl({{1, 0666}}), MakeImporter(Who::kOther, 1), kRW),
      Granted(0666));
}

TEST(DecideAccessTest, DuplicateNodeEntriesFirstWins) {
  // Solaris searched in order and stopped at the first match.
  const ExportAccess read_first = WithAcl({{1, 0444}, {1, 0666}});
  EXPECT_EQ(DecideAccess(read_first, MakeImporter(Who::kOwner, 1), kRW),
            kDenied);  // 0666 & 0444 = 0444; owner digit 4 lacks write
  EXPECT_EQ(DecideAccess(read_first, MakeImporter(Who::kOwner, 1), kR),
            Granted(0444));

  const ExportAccess rw_first = WithAcl({{1, 0666}, {1, 0444}});
  EXPECT_EQ(DecideAccess(rw_first, MakeImporter(Who::kOwner, 1), kRW),
            Granted(0666));
}

TEST(DecideAccessTest, OnlyTheImportingNodesEntryApplies) {
  const ExportAccess exported = WithAcl({{2, 0666}, {1, 0400}, {3, 0666}});
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 1), kW), kDenied);
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 2), kW),
            Granted(0222));
}

TEST(DecideAccessTest, EntryPermissionIsMaskedTo0666) {
  // 0577 passes IsValidAcl (577 octal <= 666 octal as numbers); its node mode
  // is 0666 & 0577 = 0466: owner r, group rw, other rw.
  const ExportAccess exported = WithAcl({{1, 0577}});
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 1), kRW),
            kDenied);  // eff 0466; owner digit 4 lacks write
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 1), kR),
            Granted(0444));  // 0444 & 0466
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kGroupPrimary, 1), kRW),
            Granted(0466));
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 1), kRW),
            Granted(0466));
}

TEST(DecideAccessTest, RequestingNothingIsGrantedToAPublishedNode) {
  // Solaris's check returns success when no right is asked for.
  EXPECT_EQ(DecideAccess(WithAcl({{1, 0}}), MakeImporter(Who::kOther, 1), 0),
            Granted(0));
  EXPECT_EQ(DecideAccess(WithoutAcl(0), MakeImporter(Who::kOther, 1), 0),
            Granted(0));
  // The node check still comes first.
  EXPECT_EQ(DecideAccess(WithAcl({{1, 0666}}), MakeImporter(Who::kOther, 2), 0),
            kNotToNode);
}

TEST(DecideAccessTest, EntryWithPermissionZeroAdmitsTheNodeButGrantsNothing) {
  const ExportAccess exported = WithAcl({{1, 0}});
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 1), kR), kDenied);
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOwner, 2), kR),
            kNotToNode);
}

TEST(DecideAccessTest, BitsOutsideReadWriteAreIgnored) {
  // A precondition the callers enforce; the check itself, like Solaris's,
  // looks only at 0600: 0477 asks for read.
  EXPECT_EQ(DecideAccess(WithoutAcl(0744), MakeImporter(Who::kOwner, 1), 0477),
            Granted(0444));  // 0444 & (0666 & 0744 = 0644)
}

TEST(DecideAccessTest, OwnerIsNotHelpedByGroupOrOtherDigits) {
  // The owner is also in the owner's group, but only the owner digit counts.
  const Importer owner_in_group{1, kOwnerUid, kOwnerGid, {}};
  EXPECT_EQ(DecideAccess(WithAcl({{1, 0066}}), owner_in_group, kR), kDenied);
  EXPECT_EQ(DecideAccess(WithAcl({{1, 0066}}), owner_in_group, kRW), kDenied);
}

TEST(DecideAccessTest, GroupMemberIsNotHelpedByOtherDigit) {
  const ExportAccess exported = WithAcl({{1, 0606}});
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kGroupPrimary, 1), kR),
            kDenied);
  EXPECT_EQ(
      DecideAccess(exported, MakeImporter(Who::kGroupSupplementary, 1), kR),
      kDenied);
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 1), kR),
            Granted(0404));
}

TEST(DecideAccessTest, RootHasNoPrivilegeOverride) {
  // Solaris would let root through with PRIV_IPC_DAC_READ/WRITE; privileges
  // are not modelled here, so uid 0 is just another "other".
  const Importer root{1, 0, 0, {}};
  EXPECT_EQ(DecideAccess(WithoutAcl(0700), root, kR), kDenied);
  EXPECT_EQ(DecideAccess(WithoutAcl(0700), root, kW), kDenied);
  // A segment root created is root's own, as any owner's is.
  ExportAccess roots = WithoutAcl(0700);
  roots.owner_uid = 0;
  roots.owner_gid = 0;
  EXPECT_EQ(DecideAccess(roots, root, kRW), Granted(0600));
}

TEST(DecideAccessTest, ExtremeNodeIds) {
  const ExportAccess exported = WithAcl({{0, 0666}, {kMaxAclNode, 0444}});
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 0), kRW),
            Granted(0666));
  EXPECT_EQ(DecideAccess(exported, MakeImporter(Who::kOther, 64), kR),
            Granted(0444));
}

// ---------------------------------------------------------------------------
// The mapping rule: rights come from the owner digit of the granted mode.

TEST(DataRightsTest, OwnerDigitOnly) {
  struct Case {
    uint32_t mode;
    bool get;
    bool put;
  };
  const Case cases[] = {
      {0000, false, false}, {0666, true, true},   {0600, true, true},
      {0644, true, true},   {0400, true, false},  {0440, true, false},
      {0200, false, true},  {0220, false, true},  {0466, true, false},
      {0240, false, true},  {0060, false, false}, {0006, false, false},
      {0066, false, false}, {0022, false, false},
  };
  for (const Case& c : cases) {
    const DataRights rights = DataRightsFromGrantedMode(c.mode);
    EXPECT_EQ(rights.get, c.get) << "mode 0" << std::oct << c.mode;
    EXPECT_EQ(rights.put, c.put) << "mode 0" << std::oct << c.mode;
  }
}

TEST(DataRightsTest, GroupGrantOnlyInGroupDigitConnectsButMayNotMap) {
  // The quirk of §7.1 step 5: node mode 0060, a group member asks for
  // read+write, connects with eff 0060 -- and its owner digit is empty.
  const AccessResult result = DecideAccess(
      WithAcl({{1, 0060}}), MakeImporter(Who::kGroupPrimary, 1), kRW);
  ASSERT_EQ(result, Granted(0060));
  const DataRights rights = DataRightsFromGrantedMode(result.granted_mode);
  EXPECT_FALSE(rights.get);
  EXPECT_FALSE(rights.put);
}

TEST(DataRightsTest, OtherGrantOnlyInOtherDigitConnectsButMayNotMap) {
  const AccessResult result =
      DecideAccess(WithAcl({{4, 0006}}), MakeImporter(Who::kOther, 4), kW);
  ASSERT_EQ(result, Granted(0002));  // 0222 & 0006; other digit 2
  EXPECT_FALSE(DataRightsFromGrantedMode(result.granted_mode).put);
}

TEST(DataRightsTest, PartialOwnerDigitGivesPartialRights) {
  // Node mode 0460: a group member connects read+write (group digit 6) with
  // eff 0460, whose owner digit 4 lets it read only.
  const AccessResult result = DecideAccess(
      WithAcl({{1, 0460}}), MakeImporter(Who::kGroupSupplementary, 1), kRW);
  ASSERT_EQ(result, Granted(0460));
  const DataRights rights = DataRightsFromGrantedMode(result.granted_mode);
  EXPECT_TRUE(rights.get);
  EXPECT_FALSE(rights.put);
}

TEST(DataRightsTest, NeverMoreThanRequested) {
  // Node mode 0666, read asked: eff 0444, so no write even for the owner.
  const AccessResult result =
      DecideAccess(WithAcl({{1, 0666}}), MakeImporter(Who::kOwner, 1), kR);
  ASSERT_EQ(result, Granted(0444));
  const DataRights rights = DataRightsFromGrantedMode(result.granted_mode);
  EXPECT_TRUE(rights.get);
  EXPECT_FALSE(rights.put);
}

TEST(DataRightsTest, OwnerGetsExactlyWhatConnectGranted) {
  const AccessResult result =
      DecideAccess(WithoutAcl(0755), MakeImporter(Who::kOwner, 1), kRW);
  ASSERT_EQ(result, Granted(0644));
  const DataRights rights = DataRightsFromGrantedMode(result.granted_mode);
  EXPECT_TRUE(rights.get);
  EXPECT_TRUE(rights.put);
}

// ---------------------------------------------------------------------------
// Access-list validation at publish / republish.

constexpr uint32_t kLocal = 7;

std::vector<AccessEntry> EntriesForNodes(uint32_t count) {
  std::vector<AccessEntry> acl;
  for (uint32_t node = 0; node < count; ++node) acl.push_back({node, 0666});
  return acl;
}

TEST(IsValidAclTest, EmptyListIsValid) {
  EXPECT_TRUE(IsValidAcl({}, /*loopback=*/false, kLocal));
  EXPECT_TRUE(IsValidAcl({}, /*loopback=*/true, kLocal));
}

TEST(IsValidAclTest, AtMost64Entries) {
  EXPECT_TRUE(IsValidAcl(EntriesForNodes(1), false, kLocal));
  EXPECT_TRUE(IsValidAcl(EntriesForNodes(64), false, kLocal));
  // Nodes 0..64 are each valid; only the count is wrong.
  EXPECT_FALSE(IsValidAcl(EntriesForNodes(65), false, kLocal));
}

TEST(IsValidAclTest, NodeIdsUpTo64) {
  EXPECT_TRUE(IsValidAcl({{0, 0666}}, false, kLocal));
  EXPECT_TRUE(IsValidAcl({{64, 0666}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{65, 0666}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{1, 0666}, {65, 0666}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{std::numeric_limits<uint32_t>::max(), 0666}}, false,
                          kLocal));
}

TEST(IsValidAclTest, PermissionsUpTo0666AsANumber) {
  EXPECT_TRUE(IsValidAcl({{1, 0}}, false, kLocal));
  EXPECT_TRUE(IsValidAcl({{1, 0624}}, false, kLocal));
  EXPECT_TRUE(IsValidAcl({{1, 0666}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{1, 0667}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{1, 0700}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{1, 0777}}, false, kLocal));
  EXPECT_FALSE(IsValidAcl({{1, 0666}, {2, 0777}}, false, kLocal));
  // Execute bits below 0666 numerically pass, as they did in Solaris.
  EXPECT_TRUE(IsValidAcl({{1, 0577}}, false, kLocal));
  EXPECT_TRUE(IsValidAcl({{1, 0111}}, false, kLocal));
}

TEST(IsValidAclTest, DuplicateNodesAreAccepted) {
  EXPECT_TRUE(IsValidAcl({{1, 0444}, {1, 0666}}, false, kLocal));
}

TEST(IsValidAclTest, AnyNodesOffLoopback) {
  EXPECT_TRUE(
      IsValidAcl({{kLocal, 0666}, {1, 0600}, {2, 0444}}, false, kLocal));
}

TEST(IsValidAclTest, LoopbackAllowsOnlyTheLocalNode) {
  EXPECT_TRUE(IsValidAcl({{kLocal, 0666}}, /*loopback=*/true, kLocal));
  EXPECT_TRUE(IsValidAcl({{kLocal, 0}}, /*loopback=*/true, kLocal));
  // A remote node.
  EXPECT_FALSE(IsValidAcl({{1, 0666}}, /*loopback=*/true, kLocal));
  // Two entries, even both naming the local node.
  EXPECT_FALSE(
      IsValidAcl({{kLocal, 0666}, {kLocal, 0666}}, /*loopback=*/true, kLocal));
  EXPECT_FALSE(
      IsValidAcl({{kLocal, 0666}, {1, 0666}}, /*loopback=*/true, kLocal));
  // The other checks still apply to the one entry.
  EXPECT_FALSE(IsValidAcl({{kLocal, 0777}}, /*loopback=*/true, kLocal));
  EXPECT_FALSE(IsValidAcl({{65, 0666}}, /*loopback=*/true, /*local_node=*/65));
}

TEST(AccessDecisionNameTest, Names) {
  EXPECT_EQ(AccessDecisionName(AccessDecision::kGranted), "GRANTED");
  EXPECT_EQ(AccessDecisionName(AccessDecision::kNotPublishedToNode),
            "NOT_PUBLISHED_TO_NODE");
  EXPECT_EQ(AccessDecisionName(AccessDecision::kPermissionDenied),
            "PERMISSION_DENIED");
}

}  // namespace
}  // namespace rsm::transport
