// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of TN authority: who may allocate, assign and delegate which prefix to whom and when, lazy invalidation by
// revocation and by vetting, number ports, and the on-chain answers to "who may use number N at time T".
import {ITnAuthority} from "./ITnAuthority.sol";
import {NumberingHarness} from "./NumberingHarness.sol";

/// @notice The state snapshot cheatcodes, to mine the same transactions in two orders from one state.
interface IStateSnapshots {
    function snapshotState() external returns (uint256);
    function revertToState(uint256 snapshotId) external returns (bool);
}

contract TnAuthorityTest is NumberingHarness {
    ITnAuthority.GrantKind internal constant ALLOCATION = ITnAuthority.GrantKind.Allocation;
    ITnAuthority.GrantKind internal constant ASSIGNMENT = ITnAuthority.GrantKind.Assignment;
    ITnAuthority.GrantKind internal constant DELEGATION = ITnAuthority.GrantKind.Delegation;

    event GrantRecorded(
        uint256 indexed grantId,
        uint256 indexed parentId,
        address indexed grantor,
        ITnAuthority.GrantKind kind,
        address holder,
        string prefix,
        uint64 validFrom,
        uint64 validUntil,
        bool allowRedelegation,
        bytes32 credentialHash,
        ITnAuthority.Constraints constraints
    );
    event GrantRevoked(uint256 indexed grantId, address indexed by, uint16 reason, uint64 revokedAt);
    event NumberPorted(
        uint256 indexed newAllocationId,
        uint256 indexed fromAllocationId,
        string prefix,
        address fromTnsp,
        address toTnsp,
        ITnAuthority.PortAuthority authority,
        bytes32 evidenceHash
    );
    event NumberingScopeSet(uint256 indexed proposalId, address indexed numberingAuthority, string[] prefixes);

    address internal constant NA2_ORG = address(0xD00A);

    string internal constant BLOCK = "1200200"; // NANP thousand-block 1-200-200-0XXX
    string internal constant NUMBER = "12002000123";
    IStateSnapshots internal constant SNAPSHOTS = IStateSnapshots(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    function setUp() public {
        deployVettedWorld();
    }

    /// @dev The seed's scenario: NA -> TNSP (block) -> TNR (block) -> Brand (number) -> BPO (number).
    function seedChain() internal returns (uint256 alloc, uint256 assignment, uint256 toBrand, uint256 toBpo) {
        alloc = allocate(TNSP_ORG, BLOCK);
        assignment = assign(alloc, TNR_ORG, BLOCK);
        toBrand = delegate(assignment, BRAND_ORG, NUMBER);
        toBpo = delegate(toBrand, BPO_ORG, NUMBER);
    }

    function assertHolders(string memory number, address[] memory expected, string memory what) internal view {
        (address[] memory holders, ) = tn.whoMayUse(number, now64());
        assertEq(holders.length, expected.length, what);
        for (uint256 i = 0; i < expected.length; i++) assertEq(holders[i], expected[i], what);
    }

    function list(address a) internal pure returns (address[] memory out) {
        out = new address[](1);
        out[0] = a;
    }

    function list(address a, address b) internal pure returns (address[] memory out) {
        out = new address[](2);
        out[0] = a;
        out[1] = b;
    }

    function list(address a, address b, address c, address d) internal pure returns (address[] memory out) {
        out = new address[](4);
        out[0] = a;
        out[1] = b;
        out[2] = c;
        out[3] = d;
    }

    // ------------------------------------------------------------ the happy chain

    function test_seedScenario_buildsTheChainAndAnswersWhoMayUse() public {
        (uint256 alloc, uint256 assignment, uint256 toBrand, uint256 toBpo) = seedChain();
        assertEq(tn.grantCount(), 4, "four grants");
        assertHolders(NUMBER, list(TNSP_ORG, TNR_ORG, BRAND_ORG, BPO_ORG), "whole chain may use the number");
        assertHolders("12002000999", list(TNSP_ORG, TNR_ORG), "rest of the block: TNSP and TNR");
        assertHolders("12002010000", new address[](0), "outside the block: nobody");
        (bool ok, uint256 via) = tn.mayUse(NUMBER, BPO_ORG, now64());
        assertTrue(ok && via == toBpo, "BPO through its delegation");
        (ok, ) = tn.mayUse("12002000124", BPO_ORG, now64());
        assertFalse(ok, "BPO holds one number only");
        uint256[] memory chain = tn.chainOf(toBpo);
        assertEq(chain.length, 4, "chain depth");
        assertEq(chain[0], alloc, "allocation first");
        assertEq(chain[3], toBpo, "leaf last");
        uint256[] memory atBlock = tn.grantsAt(BLOCK);
        assertEq(atBlock.length, 2, "allocation and assignment on the block");
        assertEq(atBlock[0], alloc, "oldest first");
        assertEq(atBlock[1], assignment, "then the assignment");
        assertEq(tn.grantsAt(NUMBER)[0], toBrand, "the number's own history");
        ITnAuthority.Grant memory g = tn.grant(toBrand);
        assertTrue(g.kind == DELEGATION, "kind");
        assertEq(g.grantor, TNR_ORG, "grantor");
        assertEq(g.holder, BRAND_ORG, "holder");
        assertEq(g.prefix, NUMBER, "prefix printed back");
        assertEq(g.parentId, assignment, "parent");
        assertEq(g.validFrom, block.timestamp, "starts now");
        assertEq(tn.decidingAllocation(NUMBER, now64()), alloc, "deciding allocation");
        assertEq(tn.version(), "1.0.0", "version");
        assertEq(tn.organisations(), address(ORGS_ADDRESS()), "wiring");
    }

    function ORGS_ADDRESS() internal view returns (address) {
        return address(orgs);
    }

    function test_allocate_emitsEverythingTheReadModelNeeds() public {
        ITnAuthority.GrantTerms memory t = terms(TNSP_ORG, BLOCK);
        t.validUntil = now64() + 365 days;
        bytes32 callerHash = keccak256(abi.encode(bytes32("caller salt"), "Acme", "support"));
        t.constraints = ITnAuthority.Constraints({intendedUse: "voice", callerHash: callerHash});
        uint256 expectedId = tn.grantIdOf(NA_MEMBER, t.salt, ALLOCATION, 0, BLOCK, TNSP_ORG);
        vm.expectEmit(true, true, true, true);
        emit GrantRecorded(
            expectedId,
            0,
            NA_ORG,
            ALLOCATION,
            TNSP_ORG,
            BLOCK,
            now64(),
            t.validUntil,
            false,
            t.credentialHash,
            t.constraints
        );
        vm.prank(NA_MEMBER);
        assertEq(tn.allocate(NA_ORG, t), expectedId, "the id the caller computed");
    }

    // ------------------------------------------------------------ content-derived ids (issue 10)

    function termsWithSalt(
        address holder,
        string memory prefix,
        bytes32 salt
    ) internal returns (ITnAuthority.GrantTerms memory t) {
        t = terms(holder, prefix);
        t.salt = salt;
    }

    /// @dev Two callers' transactions, in the order given: the NA allocates "1300300" to TNSP2, and the TNSP assigns
    /// the block under `alloc` to the TNR.
    function mineTwoCallers(uint256 alloc, bool naFirst) internal returns (uint256 naId, uint256 tnspId) {
        ITnAuthority.GrantTerms memory byNa = termsWithSalt(TNSP2_ORG, "1300300", bytes32("na salt"));
        ITnAuthority.GrantTerms memory byTnsp = termsWithSalt(TNR_ORG, BLOCK, bytes32("tnsp salt"));
        if (naFirst) {
            vm.prank(NA_MEMBER);
            naId = tn.allocate(NA_ORG, byNa);
        }
        vm.prank(TNSP_MEMBER);
        tnspId = tn.assign(alloc, byTnsp);
        if (!naFirst) {
            vm.prank(NA_MEMBER);
            naId = tn.allocate(NA_ORG, byNa);
        }
    }

    function test_grantIds_doNotDependOnTheOrderTransactionsAreMinedIn() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        string memory otherBlock = "1300300";
        uint256 naPredicted = tn.grantIdOf(NA_MEMBER, bytes32("na salt"), ALLOCATION, 0, otherBlock, TNSP2_ORG);
        uint256 tnspPredicted = tn.grantIdOf(TNSP_MEMBER, bytes32("tnsp salt"), ASSIGNMENT, alloc, BLOCK, TNR_ORG);
        bytes memory preimage = abi.encode(
            block.chainid,
            address(tn),
            NA_MEMBER,
            bytes32("na salt"),
            ALLOCATION,
            uint256(0),
            otherBlock,
            TNSP2_ORG
        );
        assertEq(naPredicted, uint64(uint256(keccak256(preimage))), "the documented formula");

        uint256 snapshot = SNAPSHOTS.snapshotState();
        (uint256 naMinedFirst, uint256 tnspMinedSecond) = mineTwoCallers(alloc, true);
        assertTrue(SNAPSHOTS.revertToState(snapshot), "back to the state before both");
        (uint256 naMinedSecond, uint256 tnspMinedFirst) = mineTwoCallers(alloc, false);

        assertEq(naMinedFirst, naPredicted, "NA's id, mined first");
        assertEq(naMinedSecond, naPredicted, "NA's id, mined second");
        assertEq(tnspMinedSecond, tnspPredicted, "TNSP's id, mined second");
        assertEq(tnspMinedFirst, tnspPredicted, "TNSP's id, mined first");
        assertEq(tn.grant(naPredicted).holder, TNSP2_ORG, "stored under its id");
        assertEq(tn.grant(tnspPredicted).parentId, alloc, "stored under its id");
        assertEq(tn.grantCount(), 3, "three grants");
    }

    function test_aReusedSalt_revertsWithGrantIdTaken() public {
        ITnAuthority.GrantTerms memory t = termsWithSalt(TNSP_ORG, BLOCK, bytes32("once"));
        vm.prank(NA_MEMBER);
        uint256 id = tn.allocate(NA_ORG, t);
        revokeAs(NA_MEMBER, id, 6); // the prefix is free again: only the id is in the way
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.GrantIdTaken.selector, id));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, t);

        t.salt = bytes32("twice");
        vm.prank(NA_MEMBER);
        uint256 alloc = tn.allocate(NA_ORG, t);
        assertTrue(alloc != id, "a fresh salt, a fresh id");
        ITnAuthority.GrantTerms memory a = termsWithSalt(TNR_ORG, BLOCK, bytes32("assign"));
        vm.prank(TNSP_MEMBER);
        uint256 assignment = tn.assign(alloc, a);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.GrantIdTaken.selector, assignment));
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, a);
        assertEq(tn.grantCount(), 3, "nothing recorded by the refused calls");
    }

    function test_anotherCallerCannotTakeAVictimsId() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        // The victim's pending transaction shows its salt and content. The attacker front-runs with the same salt.
        bytes32 salt = bytes32("victim salt");
        uint256 victimId = tn.grantIdOf(TNSP_MEMBER, salt, ASSIGNMENT, alloc, BLOCK, TNR_ORG);
        assertTrue(
            tn.grantIdOf(NA_MEMBER, salt, ASSIGNMENT, alloc, BLOCK, TNR_ORG) != victimId,
            "the same salt and content from another caller name another id"
        );
        // Copying the content too: only the parent's holder may pass it on.
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotOrganisationController.selector, TNSP_ORG, OUTSIDER));
        vm.prank(OUTSIDER);
        tn.assign(alloc, termsWithSalt(TNR_ORG, BLOCK, salt));
        // A grant the attacker may make, with the victim's salt, gets its own id.
        vm.prank(NA_MEMBER);
        uint256 attackerId = tn.allocate(NA_ORG, termsWithSalt(TNSP2_ORG, "1300300", salt));
        assertTrue(attackerId != victimId, "the attacker's grant has another id");
        vm.prank(TNSP_MEMBER);
        assertEq(tn.assign(alloc, termsWithSalt(TNR_ORG, BLOCK, salt)), victimId, "the victim's id is still free");
    }

    function test_unknownIds_areNotValid_andNotGrants() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        assertFalse(tn.isValid(alloc ^ 1, now64()), "a neighbouring id is no grant");
        assertFalse(tn.isValid(alloc | (uint256(1) << 64), now64()), "ids are 64-bit: no aliasing above");
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.UnknownGrant.selector, alloc | (uint256(1) << 64)));
        tn.grant(alloc | (uint256(1) << 64));
    }

    // ------------------------------------------------------------ who may grant

    function test_allocate_rejectsANonNumberingAuthorityGrantor() public {
        vm.expectRevert(
            abi.encodeWithSelector(ITnAuthority.GrantorTypeNotAllowed.selector, ALLOCATION, TNSP_ORG, TNSP)
        );
        vm.prank(TNSP_MEMBER);
        tn.allocate(TNSP_ORG, terms(TNSP2_ORG, BLOCK));
    }

    function test_allocate_rejectsACallerThatDoesNotControlTheNumberingAuthority() public {
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotOrganisationController.selector, NA_ORG, TNSP_MEMBER));
        vm.prank(TNSP_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP_ORG, BLOCK));
    }

    function test_allocate_rejectsANumberingAuthorityWithoutItsRole() public {
        setRoles(NA_MEMBER, new bytes32[](0));
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.GrantorNotAuthorized.selector, NA_ORG));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP_ORG, BLOCK));
    }

    function test_allocate_rejectsUnvettedBlacklistedAndWrongTypeRecipients() public {
        address fresh = address(0xD300);
        createOrg(fresh, TNSP_MEMBER, TNSP);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientNotAuthorized.selector, fresh));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(fresh, BLOCK));

        vet(TA_ORG, TNSP_ORG, BLACKLISTED);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientNotAuthorized.selector, TNSP_ORG));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP_ORG, BLOCK));

        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientTypeNotAllowed.selector, ALLOCATION, NA, BRAND));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(BRAND_ORG, BLOCK));

        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.UnknownOrganisation.selector, address(0xD999)));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(address(0xD999), BLOCK));
        assertEq(tn.grantCount(), 0, "nothing recorded");
    }

    function test_assign_rejectsANonHolderPassingTheBlockOn() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        vm.expectRevert(
            abi.encodeWithSelector(ITnAuthority.NotOrganisationController.selector, TNSP_ORG, TNSP2_MEMBER)
        );
        vm.prank(TNSP2_MEMBER);
        tn.assign(alloc, terms(TNR_ORG, BLOCK));
    }

    function test_delegate_rejectsANonHolderPassingANumberOn() public {
        (, , uint256 toBrand, ) = seedChain();
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotOrganisationController.selector, BRAND_ORG, TNR_MEMBER));
        vm.prank(TNR_MEMBER);
        tn.delegate(toBrand, terms(BPO_ORG, NUMBER));
    }

    function test_passingOn_requiresTheRightParentKind() public {
        (uint256 alloc, uint256 assignment, , ) = seedChain();
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.WrongParentKind.selector, alloc, ALLOCATION, DELEGATION));
        vm.prank(TNSP_MEMBER);
        tn.delegate(alloc, terms(BRAND_ORG, NUMBER));
        vm.expectRevert(
            abi.encodeWithSelector(ITnAuthority.WrongParentKind.selector, assignment, ASSIGNMENT, ASSIGNMENT)
        );
        vm.prank(TNR_MEMBER);
        tn.assign(assignment, terms(BRAND_ORG, NUMBER));
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.UnknownGrant.selector, 99));
        tn.assign(99, terms(BRAND_ORG, NUMBER));
    }

    function test_assign_onlyToTnrOrBrand() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientTypeNotAllowed.selector, ASSIGNMENT, TNSP, BPO));
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, terms(BPO_ORG, BLOCK));
        uint256 direct = assign(alloc, BRAND_ORG, NUMBER);
        assertEq(tn.grant(direct).holder, BRAND_ORG, "a TNSP may assign straight to an enterprise");
    }

    function test_delegate_beyondTheStandardStepsNeedsRedelegation() public {
        (, , uint256 toBrand, uint256 toBpo) = seedChain();
        // BPO -> BPO is not a standard step and the brand did not allow re-delegation.
        address bpo2 = address(0xD400);
        createOrg(bpo2, BPO_MEMBER, BPO);
        vet(KYC_ORG, bpo2, AUTHORIZED);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientTypeNotAllowed.selector, DELEGATION, BPO, BPO));
        vm.prank(BPO_MEMBER);
        tn.delegate(toBpo, terms(bpo2, NUMBER));
        // The brand delegates again, this time allowing re-delegation.
        ITnAuthority.GrantTerms memory t = terms(BPO_ORG, NUMBER);
        t.allowRedelegation = true;
        vm.prank(BRAND_MEMBER);
        uint256 open = tn.delegate(toBrand, t);
        uint256 further = delegate(open, bpo2, NUMBER);
        assertTrue(tn.isValid(further, now64()), "re-delegated");
    }

    // ------------------------------------------------------------ prefixes

    function test_passingOn_requiresAPrefixUnderTheParents() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.PrefixNotCovered.selector, "1200201", BLOCK));
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, terms(TNR_ORG, "1200201"));
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.PrefixNotCovered.selector, "120020", BLOCK));
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, terms(TNR_ORG, "120020"));
    }

    function test_malformedPrefixes_areRejectedWithTheProblem() public {
        expectBadPrefix("", ITnAuthority.PrefixProblem.Empty, 0);
        expectBadPrefix("1234567890123456", ITnAuthority.PrefixProblem.TooLong, 16);
        expectBadPrefix("0123", ITnAuthority.PrefixProblem.LeadingZero, 0);
        expectBadPrefix("12a4", ITnAuthority.PrefixProblem.NotADigit, 2);
        expectBadPrefix("+1200", ITnAuthority.PrefixProblem.NotADigit, 0);
        expectBadPrefix("1200 ", ITnAuthority.PrefixProblem.NotADigit, 4);
        assertEq(tn.grantCount(), 0, "nothing recorded");
        uint256 id = allocate(TNSP_ORG, "999999999999999");
        assertEq(tn.grant(id).prefix, "999999999999999", "fifteen digits are fine");
    }

    function expectBadPrefix(string memory prefix, ITnAuthority.PrefixProblem problem, uint256 position) internal {
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.InvalidPrefix.selector, prefix, problem, position));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP_ORG, prefix));
    }

    function test_allocations_neverOverlap_eitherWay() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.AllocationOverlaps.selector, BLOCK, alloc));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP2_ORG, BLOCK));
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.AllocationOverlaps.selector, NUMBER, alloc));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP2_ORG, NUMBER));
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.AllocationOverlapsBelow.selector, "1200", 1));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, terms(TNSP2_ORG, "1200"));
        uint256 neighbour = allocate(TNSP2_ORG, "1200201");
        (uint256 active, uint256 below) = tn.allocationState("120020");
        assertEq(active, 0, "nothing on the parent prefix");
        assertEq(below, 2, "two blocks below");
        (active, ) = tn.allocationState("1200201");
        assertEq(active, neighbour, "the neighbour block");
    }

    function test_revokingAnAllocation_freesItsPrefix() public {
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        revokeAs(NA_MEMBER, alloc, 6);
        (, uint256 below) = tn.allocationState("1200");
        assertEq(below, 0, "counters back to zero");
        uint256 wider = allocate(TNSP2_ORG, "1200");
        assertHolders(NUMBER, list(TNSP2_ORG), "the wider, newer allocation decides");
        assertTrue(tn.isValid(wider, now64()), "valid");
    }

    // ------------------------------------------------------------ windows

    function test_windows_mustLieWithinTheParent() public {
        ITnAuthority.GrantTerms memory t = terms(TNSP_ORG, BLOCK);
        t.validUntil = now64() + 30 days;
        vm.prank(NA_MEMBER);
        uint256 alloc = tn.allocate(NA_ORG, t);
        ITnAuthority.GrantTerms memory open = terms(TNR_ORG, BLOCK);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITnAuthority.WindowOutsideParent.selector,
                alloc,
                now64(),
                0,
                now64(),
                now64() + 30 days
            )
        );
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, open);
        open.validUntil = now64() + 31 days;
        vm.expectRevert(
            abi.encodeWithSelector(
                ITnAuthority.WindowOutsideParent.selector,
                alloc,
                now64(),
                now64() + 31 days,
                now64(),
                now64() + 30 days
            )
        );
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, open);
        open.validUntil = now64() + 10 days;
        vm.prank(TNSP_MEMBER);
        uint256 ok = tn.assign(alloc, open);
        assertTrue(tn.isValid(ok, now64()), "inside");
    }

    function test_windows_rejectEmptyAndClampPastStarts() public {
        ITnAuthority.GrantTerms memory t = terms(TNSP_ORG, BLOCK);
        t.validFrom = now64() + 10;
        t.validUntil = now64() + 10;
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.InvalidWindow.selector, now64() + 10, now64() + 10));
        vm.prank(NA_MEMBER);
        tn.allocate(NA_ORG, t);
        t.validFrom = 1;
        t.validUntil = 0;
        vm.prank(NA_MEMBER);
        uint256 id = tn.allocate(NA_ORG, t);
        assertEq(tn.grant(id).validFrom, block.timestamp, "a past start means now");
    }

    function test_aStepOutsideItsWindow_isNotValid() public {
        ITnAuthority.GrantTerms memory t = terms(TNSP_ORG, BLOCK);
        t.validFrom = now64() + 1 days;
        t.validUntil = now64() + 2 days;
        vm.prank(NA_MEMBER);
        uint256 alloc = tn.allocate(NA_ORG, t);
        assertFalse(tn.isValid(alloc, now64()), "not yet");
        assertTrue(tn.isValid(alloc, now64() + 1 days), "inside");
        assertFalse(tn.isValid(alloc, now64() + 2 days), "end is exclusive");
        assertHolders(NUMBER, new address[](0), "nobody before the start");
        vm.warp(block.timestamp + 1 days + 1);
        assertHolders(NUMBER, list(TNSP_ORG), "holder inside the window");
        vm.warp(block.timestamp + 1 days);
        assertHolders(NUMBER, new address[](0), "nobody after the end");
        t.holder = TNR_ORG;
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.InvalidWindow.selector, now64(), t.validUntil));
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, t);
    }

    // ------------------------------------------------------------ revocation and vetting

    function test_revoke_invalidatesEverythingBelowLazily() public {
        (uint256 alloc, uint256 assignment, uint256 toBrand, uint256 toBpo) = seedChain();
        vm.warp(block.timestamp + 100);
        vm.expectEmit(true, true, false, true);
        emit GrantRevoked(assignment, TNSP_MEMBER, 6, now64());
        revokeAs(TNSP_MEMBER, assignment, 6);
        assertTrue(tn.isValid(alloc, now64()), "allocation above stays");
        assertFalse(tn.isValid(assignment, now64()), "revoked");
        assertFalse(tn.isValid(toBrand, now64()), "brand below");
        assertFalse(tn.isValid(toBpo, now64()), "bpo below");
        assertTrue(tn.isValid(toBpo, now64() - 1), "history: valid before the revocation");
        assertHolders(NUMBER, list(TNSP_ORG), "only the TNSP now");
        ITnAuthority.Grant memory g = tn.grant(assignment);
        assertEq(g.revokedAt, block.timestamp, "revokedAt");
        assertEq(g.revokeReason, 6, "reason");
    }

    function test_passingOn_fromARevokedParentIsRejected() public {
        (, uint256 assignment, uint256 toBrand, ) = seedChain();
        revokeAs(TNR_MEMBER, toBrand, 4);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ParentRevoked.selector, toBrand, 4, now64()));
        vm.prank(BRAND_MEMBER);
        tn.delegate(toBrand, terms(BPO_ORG, NUMBER));
        revokeAs(TNSP_MEMBER, assignment, 6);
        // The brand's other route is gone too: its grandparent was revoked.
        ITnAuthority.GrantTerms memory t = terms(BRAND_ORG, "12002000124");
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ParentRevoked.selector, assignment, 6, now64()));
        vm.prank(TNR_MEMBER);
        tn.delegate(assignment, t);
    }

    function test_passingOn_underARevokedAncestorIsRejected() public {
        (uint256 alloc, , uint256 toBrand, ) = seedChain();
        revokeAs(NA_MEMBER, alloc, 4);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ParentNotValid.selector, toBrand, now64()));
        vm.prank(BRAND_MEMBER);
        tn.delegate(toBrand, terms(BPO_ORG, NUMBER));
    }

    function test_revoke_permissions() public {
        (uint256 alloc, uint256 assignment, uint256 toBrand, ) = seedChain();
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotRevoker.selector, toBrand, BRAND_MEMBER));
        revokeAs(BRAND_MEMBER, toBrand, 6);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotRevoker.selector, alloc, TNSP_MEMBER));
        revokeAs(TNSP_MEMBER, alloc, 6);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ReservedReason.selector, 9));
        revokeAs(TNR_MEMBER, toBrand, 9);
        revokeAs(NA_MEMBER, toBrand, 4); // the Numbering Authority behind the chain may stop any step
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.AlreadyRevoked.selector, toBrand, now64()));
        revokeAs(TNR_MEMBER, toBrand, 6);
        revokeAs(TNSP_MEMBER, assignment, 1000);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.UnknownGrant.selector, 0));
        revokeAs(NA_MEMBER, 0, 6);
    }

    function test_vettingWithdrawn_invalidatesTheChainWithoutCleanUp() public {
        (uint256 alloc, , uint256 toBrand, uint256 toBpo) = seedChain();
        vet(KYC_ORG, TNR_ORG, BLACKLISTED);
        assertFalse(tn.isValid(toBrand, now64()), "brand's grant hangs under the blacklisted TNR");
        assertFalse(tn.isValid(toBpo, now64()), "and the BPO's");
        assertTrue(tn.isValid(alloc, now64()), "the TNSP's allocation is fine");
        assertHolders(NUMBER, list(TNSP_ORG), "only the TNSP");
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientNotAuthorized.selector, TNR_ORG));
        vm.prank(TNSP_MEMBER);
        tn.assign(alloc, terms(TNR_ORG, "1200200")); // a blacklisted org cannot receive
        uint256 assignment = tn.grant(toBrand).parentId;
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.GrantorNotAuthorized.selector, TNR_ORG));
        vm.prank(TNR_MEMBER);
        tn.delegate(assignment, terms(BRAND_ORG, "12002000555")); // nor pass on
        vet(KYC_ORG, TNR_ORG, AUTHORIZED);
        assertHolders(NUMBER, list(TNSP_ORG, TNR_ORG, BRAND_ORG, BPO_ORG), "back after re-vetting");
    }

    // ------------------------------------------------------------ number port

    function test_port_ofTheWholeBlock_endsTheOldChainAndKeepsHistory() public {
        (uint256 alloc, , , ) = seedChain();
        uint256 expectedId = tn.grantIdOf(NA_MEMBER, bytes32(saltCounter + 1), ALLOCATION, 0, BLOCK, TNSP2_ORG);
        vm.expectEmit(true, true, false, true);
        emit NumberPorted(
            expectedId,
            alloc,
            BLOCK,
            TNSP_ORG,
            TNSP2_ORG,
            ITnAuthority.PortAuthority.NumberingAuthorityOrder,
            keccak256(abi.encode("order", BLOCK))
        );
        uint256 ported = port(TNSP2_ORG, BLOCK);
        ITnAuthority.Grant memory old = tn.grant(alloc);
        assertEq(old.revokeReason, 5, "old allocation revoked for NumberPort");
        assertHolders(NUMBER, list(TNSP2_ORG), "new TNSP only");
        assertHolders("12002000999", list(TNSP2_ORG), "the whole block moved");
        uint256[] memory history = tn.grantsAt(BLOCK);
        assertEq(history.length, 3, "history kept");
        assertEq(history[2], ported, "newest last");
    }

    function test_port_ofOneNumberOutOfAThousandBlock() public {
        (uint256 alloc, uint256 assignment, uint256 toBrand, ) = seedChain();
        vm.warp(block.timestamp + 100);
        uint256 ported = port(TNSP2_ORG, NUMBER);
        assertTrue(tn.isValid(alloc, now64()), "the block's allocation stays");
        assertEq(tn.decidingAllocation(NUMBER, now64()), ported, "the ported number follows the port");
        assertEq(tn.decidingAllocation("12002000124", now64()), alloc, "its neighbour does not");
        assertHolders(NUMBER, list(TNSP2_ORG), "ported number: new TNSP only");
        assertHolders("12002000124", list(TNSP_ORG, TNR_ORG), "rest of the block: old chain");
        assertHolders(NUMBER, now64() - 1, list(TNSP_ORG, TNR_ORG, BRAND_ORG, BPO_ORG));
        // The old chain can no longer pass the ported number on.
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.PrefixPortedOut.selector, NUMBER, ported));
        vm.prank(TNR_MEMBER);
        tn.delegate(assignment, terms(BRAND_ORG, NUMBER));
        // Even when the port-in is revoked, the number does not fall back to the old chain.
        revokeAs(NA_MEMBER, ported, 4);
        assertHolders(NUMBER, new address[](0), "nobody until the NA ports it again");
        uint256 again = port(TNSP_ORG, NUMBER);
        assertHolders(NUMBER, list(TNSP_ORG), "ported back: only the fresh chain");
        assertTrue(again != ported && again != toBrand, "fresh allocation");
        assertEq(tn.decidingAllocation(NUMBER, now64()), again, "the newest allocation decides");
    }

    function test_port_rejections() public {
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NothingToPort.selector, NUMBER));
        port(TNSP2_ORG, NUMBER);
        allocate(TNSP_ORG, BLOCK);
        uint256 single = port(TNSP2_ORG, NUMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.AllocationOverlapsBelow.selector, BLOCK, 1));
        port(TNSP2_ORG, BLOCK);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.RecipientTypeNotAllowed.selector, ALLOCATION, NA, TNR));
        port(TNR_ORG, NUMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotOrganisationController.selector, NA_ORG, TNSP_MEMBER));
        vm.prank(TNSP_MEMBER);
        tn.port(NA_ORG, terms(TNSP_ORG, NUMBER), ordered(NUMBER));
        uint256 back = port(TNSP_ORG, NUMBER); // re-porting the ported number replaces its allocation
        assertEq(tn.grant(single).revokeReason, 5, "previous port-in revoked");
        assertEq(tn.decidingAllocation(NUMBER, now64()), back, "newest decides");
    }

    // ------------------------------------------------------------ numbering-plan scope (issue 11, item 2)

    /// @dev A second Numbering Authority (organisation NA2_ORG of the OSP member, given the role by governance), with
    /// scope "44" while NA_ORG's scope narrows to "1".
    function secondAuthority() internal {
        bytes32[] memory roles = new bytes32[](2);
        roles[0] = keccak256("OSP");
        roles[1] = keccak256("NUMBERING_AUTHORITY");
        setRoles(OSP_MEMBER, roles);
        vm.prank(NA2_ORG);
        dids.changeOwner(NA2_ORG, OSP_MEMBER);
        vm.prank(OSP_MEMBER);
        orgs.createAccount(NA2_ORG, NA, "Second NA");
        setScope(NA_ORG, only("1"));
        setScope(NA2_ORG, only("44"));
    }

    function test_scope_aSecondAuthorityCanNeitherAllocateNorPortInAnothersPlan() public {
        secondAuthority();
        (uint256 alloc, , , ) = seedChain();
        vm.prank(OSP_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.OutsideNumberingScope.selector, NA2_ORG, NUMBER));
        tn.port(NA2_ORG, terms(TNSP2_ORG, NUMBER), ordered(NUMBER));
        vm.prank(OSP_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.OutsideNumberingScope.selector, NA2_ORG, "1300300"));
        tn.allocate(NA2_ORG, terms(TNSP2_ORG, "1300300"));
        assertHolders(NUMBER, list(TNSP_ORG, TNR_ORG, BRAND_ORG, BPO_ORG), "NA1's chain untouched");
        assertEq(tn.decidingAllocation(NUMBER, now64()), alloc, "NA1's allocation decides");
        // Inside its own plan the second authority works, and NA1 cannot act there.
        vm.prank(OSP_MEMBER);
        uint256 uk = tn.allocate(NA2_ORG, terms(TNSP2_ORG, "442071"));
        assertEq(tn.grant(uk).grantor, NA2_ORG, "NA2 allocated in 44");
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.OutsideNumberingScope.selector, NA_ORG, "4420710000"));
        port(TNSP_ORG, "4420710000");
    }

    function test_scope_anAuthorityWithoutScopeAllocatesNothing() public {
        secondAuthority();
        setScope(NA2_ORG, new string[](0));
        assertEq(tn.scopeOf(NA2_ORG).length, 0, "scope withdrawn");
        vm.prank(OSP_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.OutsideNumberingScope.selector, NA2_ORG, "442071"));
        tn.allocate(NA2_ORG, terms(TNSP2_ORG, "442071"));
    }

    function test_scope_isSetOnlyByAStrictMajorityOfGovernors() public {
        // Nine governors: the proposer and three more are four, not a majority; the fifth sets the scope.
        vm.prank(TA_MEMBER);
        uint256 id = tn.proposeScope(NA_ORG, only("33"));
        address[4] memory approvers = [KYC_MEMBER, TNSP_MEMBER, TNSP2_MEMBER, TNR_MEMBER];
        for (uint256 i = 0; i < 3; i++) {
            vm.prank(approvers[i]);
            tn.approveScope(id);
        }
        assertFalse(tn.scopeProposal(id).executed, "4 of 9 is no majority");
        assertEq(tn.scopeOf(NA_ORG).length, 9, "old scope in force");
        assertTrue(tn.inScope(NA_ORG, "1200200"), "still the whole plan");
        string[] memory set = only("33");
        vm.expectEmit(true, true, false, true);
        emit NumberingScopeSet(id, NA_ORG, set);
        vm.prank(approvers[3]);
        tn.approveScope(id);
        assertEq(tn.scopeOf(NA_ORG)[0], "33", "5 of 9 sets it");
        assertFalse(tn.inScope(NA_ORG, "1200200"), "the old scope is gone");
        assertTrue(tn.inScope(NA_ORG, "331234"), "the new scope covers longer prefixes");
        vm.prank(BRAND_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ScopeProposalExecuted.selector, id));
        tn.approveScope(id);
    }

    function test_scope_proposalRejections() public {
        vm.prank(OUTSIDER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotGovernor.selector, OUTSIDER));
        tn.proposeScope(NA_ORG, only("1"));
        vm.prank(TA_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.NotNumberingAuthority.selector, TNSP_ORG));
        tn.proposeScope(TNSP_ORG, only("1"));
        string[] memory twice = new string[](2);
        twice[0] = "44";
        twice[1] = "44";
        vm.prank(TA_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.DuplicateScopePrefix.selector, "44"));
        tn.proposeScope(NA_ORG, twice);
        vm.prank(TA_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.TooManyScopePrefixes.selector, 17, 16));
        tn.proposeScope(NA_ORG, new string[](17));
        vm.prank(TA_MEMBER);
        uint256 stale = tn.proposeScope(NA_ORG, only("7"));
        vm.prank(TA_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ScopeAlreadyApproved.selector, stale, TA_MEMBER));
        tn.approveScope(stale);
        setScope(NA_ORG, only("1"));
        vm.prank(KYC_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ScopeProposalSuperseded.selector, stale));
        tn.approveScope(stale);
    }

    function test_port_recordsTheProvidersConsentAndNeedsEvidence() public {
        allocate(TNSP_ORG, BLOCK);
        ITnAuthority.PortConsent memory consent = ITnAuthority.PortConsent({
            authority: ITnAuthority.PortAuthority.BothProvidersConsented,
            evidenceHash: keccak256("signed LOA + losing provider confirmation")
        });
        ITnAuthority.GrantTerms memory t = terms(TNSP2_ORG, NUMBER);
        uint256 expectedId = tn.grantIdOf(NA_MEMBER, t.salt, ALLOCATION, 0, NUMBER, TNSP2_ORG);
        vm.expectEmit(true, false, false, true);
        emit NumberPorted(
            expectedId,
            0,
            NUMBER,
            TNSP_ORG,
            TNSP2_ORG,
            ITnAuthority.PortAuthority.BothProvidersConsented,
            consent.evidenceHash
        );
        vm.prank(NA_MEMBER);
        tn.port(NA_ORG, t, consent);
        consent.evidenceHash = bytes32(0);
        vm.prank(NA_MEMBER);
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.MissingPortEvidence.selector, "12002000124"));
        tn.port(NA_ORG, terms(TNSP2_ORG, "12002000124"), consent);
    }

    // ------------------------------------------------------------ bounds (issue 11, item 4)

    function delegateOpen(uint256 parentId, address holder) internal returns (uint256) {
        ITnAuthority.GrantTerms memory t = terms(holder, NUMBER);
        t.allowRedelegation = true;
        vm.prank(dids.identityOwner(tn.grant(parentId).holder));
        return tn.delegate(parentId, t);
    }

    function test_passingOn_toTheGrantorItself_isRejected() public {
        (, uint256 assignment, , ) = seedChain();
        uint256 open = delegateOpen(assignment, BRAND_ORG);
        // Before the fix a brand could re-delegate to itself without end, deepening its chain every time.
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.SelfGrant.selector, open, BRAND_ORG));
        vm.prank(BRAND_MEMBER);
        tn.delegate(open, terms(BRAND_ORG, NUMBER));
    }

    function test_chainDepth_isCappedAtMaxChainDepth() public {
        assertEq(tn.MAX_CHAIN_DEPTH(), 8, "the cap the read model shares");
        address bpo2 = address(0xD400);
        createOrg(bpo2, BPO_MEMBER, BPO);
        vet(KYC_ORG, bpo2, AUTHORIZED);
        uint256 alloc = allocate(TNSP_ORG, BLOCK);
        uint256 id = assign(alloc, TNR_ORG, BLOCK); // depth 2
        id = delegateOpen(id, BRAND_ORG); // 3
        id = delegateOpen(id, BPO_ORG); // 4
        id = delegateOpen(id, bpo2); // 5
        id = delegateOpen(id, BPO_ORG); // 6
        id = delegateOpen(id, bpo2); // 7
        uint256 gasBefore = gasleft();
        id = delegateOpen(id, BPO_ORG); // 8: the deepest allowed
        uint256 atCap = gasBefore - gasleft();
        assertEq(tn.chainOf(id).length, 8, "eight grants deep");
        assertTrue(atCap < 260_000, "delegate at the depth cap stays cheap");
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.ChainTooDeep.selector, id, 8));
        vm.prank(BPO_MEMBER);
        tn.delegate(id, terms(bpo2, NUMBER));
        assertHolders(NUMBER, list8(TNSP_ORG, TNR_ORG, BRAND_ORG, BPO_ORG, bpo2, BPO_ORG, bpo2, BPO_ORG));
    }

    function list8(
        address a,
        address b,
        address c,
        address d,
        address e,
        address f,
        address g,
        address h
    ) internal pure returns (address[] memory out) {
        out = new address[](8);
        (out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7]) = (a, b, c, d, e, f, g, h);
    }

    function assertHolders(string memory number, address[] memory expected) internal view {
        assertHolders(number, now64(), expected);
    }

    function test_liveGrantsPerPrefix_areBounded_andWhoMayUseStaysAffordableAtTheBound() public {
        assertEq(tn.MAX_LIVE_GRANTS_PER_PREFIX(), 32, "the bound");
        (, uint256 assignment, , ) = seedChain(); // two grants on NUMBER already
        uint256 last;
        for (uint256 i = 2; i < 32; i++) last = delegate(assignment, BRAND_ORG, NUMBER);
        assertEq(tn.grantsAt(NUMBER).length, 32, "full");
        uint256 gasBefore = gasleft();
        (address[] memory holders, ) = tn.whoMayUse(NUMBER, now64());
        uint256 used = gasBefore - gasleft();
        assertEq(holders.length, 2 + 32, "TNSP, TNR and every live grant on the number");
        assertTrue(used < 1_500_000, "whoMayUse at the bound (about 1.2M)");
        vm.expectRevert(abi.encodeWithSelector(ITnAuthority.TooManyGrantsAtPrefix.selector, NUMBER, 32));
        vm.prank(TNR_MEMBER);
        tn.delegate(assignment, terms(BRAND_ORG, NUMBER));
        revokeAs(TNR_MEMBER, last, 6);
        delegate(assignment, BRAND_ORG, NUMBER); // a revocation frees a place
    }

    function test_whoMayUse_skipsRevokedGrants_after300DuplicateDelegations() public {
        (, uint256 assignment, , ) = seedChain();
        for (uint256 i = 0; i < 300; i++) revokeAs(TNR_MEMBER, delegate(assignment, BRAND_ORG, NUMBER), 6);
        uint256 gasBefore = gasleft();
        (address[] memory holders, ) = tn.whoMayUse(NUMBER, now64());
        uint256 used = gasBefore - gasleft();
        assertEq(holders.length, 4, "only the four live grants");
        assertTrue(used < 550_000, "revoked grants cost one storage read each (738k before the fix)");
    }

    function assertHolders(string memory number, uint64 time, address[] memory expected) internal view {
        (address[] memory holders, ) = tn.whoMayUse(number, time);
        assertEq(holders.length, expected.length, "holders at time");
        for (uint256 i = 0; i < expected.length; i++) assertEq(holders[i], expected[i], "holder at time");
    }
}
