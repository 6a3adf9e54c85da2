// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Social recovery rules: enrolment only by the identity's owner with a sound m-of-n; m guardian approvals then the
// delay; the controller cancels; a minority never executes; the operator guardian is refused during a SIM-swap
// cool-down and its earlier approval is void; execution hands ERC-1056 ownership to the new controller.
import {TestBase} from "../testing/TestBase.sol";
import {EthereumDIDRegistry} from "./EthereumDIDRegistry.sol";
import {IEthereumDIDRegistry} from "./IEthereumDIDRegistry.sol";
import {ISocialRecovery} from "./ISocialRecovery.sol";
import {SocialRecovery} from "./SocialRecovery.sol";

contract SocialRecoveryTest is TestBase {
    uint32 internal constant COOL_DOWN = 7 days;
    uint32 internal constant MIN_DELAY = 1 days;
    uint32 internal constant DELAY = 2 days;

    EthereumDIDRegistry internal dids;
    SocialRecovery internal recovery;
    address internal person = address(0x9E750);
    address internal newKey = address(0x2E7);
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal operator = address(0x0BE7);
    address internal thief = address(0x7415F);

    function setUp() public {
        dids = new EthereumDIDRegistry();
        recovery = new SocialRecovery(dids, COOL_DOWN, MIN_DELAY);
        vm.warp(1_700_000_000);
        vm.roll(50);
    }

    function guardians3() internal view returns (address[] memory g) {
        g = new address[](3);
        g[0] = alice;
        g[1] = bob;
        g[2] = operator;
    }

    /// Enrols `person` (its own identity) with alice, bob and the operator, 2 of 3, and hands custody over.
    function enrolled() internal {
        vm.prank(person);
        recovery.enrol(person, guardians3(), 2, DELAY, operator);
        vm.prank(person);
        dids.changeOwner(person, address(recovery));
    }

    function proposeBy(address guardian) internal returns (bytes32 id) {
        vm.prank(guardian);
        id = recovery.propose(person, newKey);
    }

    function approveBy(address guardian, bytes32 id) internal {
        vm.prank(guardian);
        recovery.approve(person, id);
    }

    function test_constructor_rejectsZeroRegistryAndReportsVersion() public {
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.ZeroDidRegistry.selector));
        new SocialRecovery(IEthereumDIDRegistry(address(0)), COOL_DOWN, MIN_DELAY);
        assertEq(recovery.version(), "1.0.0", "version");
        assertEq(recovery.didRegistry(), address(dids), "registry");
        assertEq(recovery.SIM_SWAP_COOL_DOWN(), COOL_DOWN, "cool-down");
        assertEq(recovery.MIN_DELAY(), MIN_DELAY, "min delay");
    }

    function test_enrol_byANonOwnerIsRefused() public {
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotController.selector, person, thief));
        recovery.enrol(person, guardians3(), 2, DELAY, operator);
    }

    function test_enrol_refusesAThresholdOfOneWithSeveralGuardians() public {
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.InvalidThreshold.selector, uint8(1), uint256(3)));
        recovery.enrol(person, guardians3(), 1, DELAY, operator);
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.InvalidThreshold.selector, uint8(4), uint256(3)));
        recovery.enrol(person, guardians3(), 4, DELAY, operator);
    }

    function test_enrol_refusesBadGuardianSets() public {
        address[] memory g = guardians3();
        g[2] = alice;
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.DuplicateGuardian.selector, alice));
        recovery.enrol(person, g, 2, DELAY, address(0));
        g[2] = person;
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.InvalidGuardian.selector, person));
        recovery.enrol(person, g, 2, DELAY, address(0));
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.GuardianCount.selector, uint256(0), uint256(10)));
        recovery.enrol(person, new address[](0), 1, DELAY, address(0));
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.OperatorNotGuardian.selector, thief));
        recovery.enrol(person, guardians3(), 2, DELAY, thief);
        vm.prank(person);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.DelayTooShort.selector, uint32(60), MIN_DELAY));
        recovery.enrol(person, guardians3(), 2, 60, operator);
    }

    function test_propose_needsCustody() public {
        vm.prank(person);
        recovery.enrol(person, guardians3(), 2, DELAY, operator);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotInCustody.selector, person, person));
        recovery.propose(person, newKey);
    }

    function test_recovery_withTheThresholdAfterTheDelayChangesTheOwner() public {
        enrolled();
        bytes32 id = proposeBy(alice);
        assertEq(id, keccak256(abi.encode(person, uint64(1), newKey)), "content-derived id");
        vm.expectEmit(true, true, true, true);
        emit ISocialRecovery.RecoveryThresholdReached(person, id, uint64(block.timestamp) + DELAY);
        approveBy(bob, id);
        vm.warp(block.timestamp + DELAY - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ISocialRecovery.RecoveryDelayRunning.selector, id, uint64(1_700_000_000) + DELAY)
        );
        recovery.execute(person, id);
        vm.warp(block.timestamp + 1);
        vm.prank(thief); // anyone may execute
        recovery.execute(person, id);
        assertEq(dids.identityOwner(person), newKey, "new owner");
        (address controller, , , , , uint64 round) = recovery.guardianshipOf(person);
        assertEq(controller, newKey, "controller");
        assertEq(round, 2, "round moved on");
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotInCustody.selector, person, newKey));
        recovery.execute(person, id);
    }

    function test_aMinorityNeverExecutes() public {
        enrolled();
        bytes32 id = proposeBy(alice);
        vm.warp(block.timestamp + 30 days);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.ThresholdNotMet.selector, id, uint8(1), uint8(2)));
        recovery.execute(person, id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.AlreadyApproved.selector, id, alice));
        recovery.approve(person, id);
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotGuardian.selector, person, thief));
        recovery.approve(person, id);
    }

    function test_cancel_byTheControllerEndsEveryOpenRecovery() public {
        enrolled();
        bytes32 id = proposeBy(alice);
        approveBy(bob, id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotController.selector, person, alice));
        recovery.cancel(person);
        vm.prank(person);
        recovery.cancel(person);
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.UnknownRecovery.selector, person, id));
        recovery.execute(person, id);
        assertEq(dids.identityOwner(person), address(recovery), "still in custody");
    }

    function test_operator_isRefusedDuringTheCoolDownAndAfterwardsCounts() public {
        enrolled();
        vm.prank(thief);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotOperator.selector, person, thief));
        recovery.recordSimSwap(person);
        vm.prank(operator);
        recovery.recordSimSwap(person);
        uint64 ends = uint64(block.timestamp) + COOL_DOWN;
        assertEq(recovery.coolDownEndsOf(person), ends, "cool-down end");
        bytes32 id = proposeBy(alice);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.OperatorCoolingDown.selector, person, operator, ends));
        recovery.approve(person, id);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.OperatorCoolingDown.selector, person, operator, ends));
        recovery.propose(person, thief);
        vm.warp(ends);
        approveBy(operator, id);
        (uint8 approvals, uint64 readyAt) = recovery.statusOf(id);
        assertEq(approvals, 2, "operator counts after the cool-down");
        assertEq(readyAt, ends + DELAY, "ready after the delay");
    }

    function test_operator_approvalBeforeASwapIsVoid() public {
        enrolled();
        bytes32 id = proposeBy(operator);
        approveBy(alice, id);
        vm.warp(block.timestamp + 1 hours);
        vm.prank(operator);
        recovery.recordSimSwap(person);
        (uint8 approvals, uint64 readyAt) = recovery.statusOf(id);
        assertEq(approvals, 1, "operator approval voided");
        assertEq(readyAt, 0, "not ready");
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.ThresholdNotMet.selector, id, uint8(1), uint8(2)));
        recovery.execute(person, id);
        // Bob's approval makes a valid majority again; the delay counts from then.
        approveBy(bob, id);
        (approvals, readyAt) = recovery.statusOf(id);
        assertEq(approvals, 2, "alice and bob");
        assertEq(readyAt, uint64(block.timestamp) + DELAY, "delay from bob's approval");
    }

    function test_operator_swapRestartsTheDelayOfARecoveryItApproved() public {
        enrolled();
        bytes32 id = proposeBy(alice);
        approveBy(bob, id);
        approveBy(operator, id);
        vm.warp(block.timestamp + DELAY - 10);
        vm.prank(operator);
        recovery.recordSimSwap(person);
        (uint8 approvals, uint64 readyAt) = recovery.statusOf(id);
        assertEq(approvals, 2, "alice and bob still count");
        assertEq(readyAt, uint64(block.timestamp) + DELAY, "delay restarts at the swap");
    }

    function test_release_andForwardsAreTheControllers() public {
        enrolled();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotController.selector, person, alice));
        recovery.addDelegate(person, "veriKey", alice, 1 days);
        vm.prank(person);
        recovery.addDelegate(person, "veriKey", person, 1 days);
        assertTrue(dids.validDelegate(person, "veriKey", person), "delegate via custody");
        vm.prank(person);
        recovery.release(person, person);
        assertEq(dids.identityOwner(person), person, "released");
    }

    function test_reEnrolmentByTheControllerEndsOpenRecoveries() public {
        enrolled();
        bytes32 id = proposeBy(alice);
        address[] memory g = new address[](1);
        g[0] = bob;
        vm.prank(person);
        recovery.enrol(person, g, 1, DELAY, address(0));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.NotGuardian.selector, person, alice));
        recovery.approve(person, id);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.UnknownRecovery.selector, person, id));
        recovery.approve(person, id);
    }

    function typedDigest(bytes32 structHash) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("SocialRecovery"),
                keccak256("1"),
                block.chainid,
                address(recovery)
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function signed(uint256 key, bytes32 structHash) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, typedDigest(structHash));
        return abi.encodePacked(r, s, v);
    }

    function enrolHashOf(address me, address[] memory g, uint256 nonce) internal view returns (bytes32) {
        bytes32 typeHash = keccak256(
            "Enrol(address identity,address[] guardians,uint8 threshold,uint32 delay,address operator,uint256 nonce)"
        );
        return keccak256(abi.encode(typeHash, me, keccak256(abi.encodePacked(g)), uint8(2), DELAY, operator, nonce));
    }

    function cancelHashOf(address me, uint256 nonce) internal pure returns (bytes32) {
        return keccak256(abi.encode(keccak256("Cancel(address identity,uint256 nonce)"), me, nonce));
    }

    function test_signedEnrol_isRelayedOnceForTheSigner() public {
        uint256 key = 0xA11;
        address me = vm.addr(key);
        bytes memory sig = signed(key, enrolHashOf(me, guardians3(), 0));
        vm.prank(thief); // a relayer
        recovery.enrolSigned(me, guardians3(), 2, DELAY, operator, me, sig);
        (address controller, , uint8 threshold, , , ) = recovery.guardianshipOf(me);
        assertEq(controller, me, "controller is the signer");
        assertEq(threshold, 2, "threshold");
        assertEq(recovery.nonceOf(me), 1, "nonce used");
        // A replay: the nonce moved on, so the same signature now recovers to some other address.
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, typedDigest(enrolHashOf(me, guardians3(), 0)));
        address other = ecrecover(typedDigest(enrolHashOf(me, guardians3(), 1)), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.BadSignature.selector, me, other));
        recovery.enrolSigned(me, guardians3(), 2, DELAY, operator, me, sig);
    }

    function test_signedCancel_needsTheControllersSignature() public {
        uint256 key = 0xA11;
        address me = vm.addr(key);
        vm.prank(me);
        recovery.enrol(me, guardians3(), 2, DELAY, operator);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.BadSignature.selector, me, vm.addr(0xBAD)));
        recovery.cancelSigned(me, me, signed(0xBAD, cancelHashOf(me, 0)));
        vm.expectEmit(true, true, true, true);
        emit ISocialRecovery.RecoveriesCancelled(me, me, 1);
        recovery.cancelSigned(me, me, signed(key, cancelHashOf(me, 0)));
    }

    /// Fuzz: for any n in 2..10 and any valid m, m - 1 distinct guardians never execute, m do after the delay.
    function testFuzz_thresholdIsExact(uint8 nSeed, uint8 mSeed) public {
        uint256 n = bound(nSeed, 2, 10);
        uint8 m = uint8(bound(mSeed, 2, n));
        address[] memory g = new address[](n);
        for (uint256 i = 0; i < n; ++i) g[i] = address(uint160(0x1000 + i));
        vm.prank(person);
        recovery.enrol(person, g, m, DELAY, address(0));
        vm.prank(person);
        dids.changeOwner(person, address(recovery));
        vm.prank(g[0]);
        bytes32 id = recovery.propose(person, newKey);
        for (uint256 i = 1; i + 1 < m; ++i) approveBy(g[i], id);
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.ThresholdNotMet.selector, id, m - 1, m));
        recovery.execute(person, id);
        approveBy(g[m - 1], id);
        vm.warp(block.timestamp + DELAY - 1);
        (, uint64 readyAt) = recovery.statusOf(id);
        vm.expectRevert(abi.encodeWithSelector(ISocialRecovery.RecoveryDelayRunning.selector, id, readyAt));
        recovery.execute(person, id);
        vm.warp(block.timestamp + 1);
        recovery.execute(person, id);
        assertEq(dids.identityOwner(person), newKey, "recovered");
    }

    /// Fuzz: an operator approval at any time inside the cool-down is refused; at its end it is accepted.
    function testFuzz_operatorCoolDown(uint32 elapsed) public {
        enrolled();
        vm.prank(operator);
        recovery.recordSimSwap(person);
        uint64 ends = uint64(block.timestamp) + COOL_DOWN;
        bytes32 id = proposeBy(alice);
        uint256 t = bound(elapsed, 0, 2 * COOL_DOWN);
        vm.warp(block.timestamp + t);
        if (block.timestamp < ends) {
            vm.expectRevert(
                abi.encodeWithSelector(ISocialRecovery.OperatorCoolingDown.selector, person, operator, ends)
            );
        }
        approveBy(operator, id);
    }
}
