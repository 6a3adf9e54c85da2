// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The clearing rules: only providers port; each step belongs to one provider and one state; nothing activates without
// concurrence, nor twice; timers close concurrence and activation; a number is in one open port at a time.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IPortClearing} from "./IPortClearing.sol";
import {PortClearing} from "./PortClearing.sol";

contract PortClearingTest is TestBase {
    ConsortiumRegistry internal consortium;
    PortClearing internal clearing;

    // alpha gains, beta loses; gamma is a third provider; authority holds no TNSP role.
    address internal alpha = address(0xA0);
    address internal beta = address(0xA1);
    address internal gamma = address(0xA2);
    address internal authority = address(0xB0);

    uint64 internal constant WINDOW = 1 days;
    uint256 internal constant T0 = 1_800_000_000;

    function setUp() public {
        address[] memory founders = new address[](4);
        founders[0] = alpha;
        founders[1] = beta;
        founders[2] = gamma;
        founders[3] = authority;
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](i < 3 ? 1 : 0);
            if (i < 3) roles[i][0] = Roles.TNSP;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        clearing = new PortClearing(consortium);
        vm.warp(T0);
    }

    function numbers(uint64 a, uint64 b) internal pure returns (uint64[] memory list) {
        list = new uint64[](2);
        list[0] = a;
        list[1] = b;
    }

    function requested() internal returns (bytes32 id) {
        vm.prank(alpha);
        id = clearing.request(beta, numbers(12025550100, 12025550200), WINDOW, bytes32(uint256(1)));
    }

    function scheduled(uint64 at) internal returns (bytes32 id) {
        id = requested();
        vm.prank(beta);
        clearing.concur(id);
        vm.prank(alpha);
        clearing.schedule(id, at);
    }

    function expectState(bytes32 id, IPortClearing.PortState state) internal view {
        assertEq(uint256(clearing.portOf(id).state), uint256(state), "state");
    }

    function test_fullPortWithDerivedId() public {
        uint64[] memory list = numbers(12025550100, 12025550200);
        bytes32 expected = keccak256(
            abi.encode(
                block.chainid,
                address(clearing),
                alpha,
                beta,
                keccak256(abi.encodePacked(list)),
                bytes32(uint256(1))
            )
        );
        bytes32 id = requested();
        assertEq(id, expected, "id from content and creator");
        assertEq(clearing.openPortOf(12025550100), id, "number held by the open port");
        assertEq(clearing.portOf(id).concurBy, T0 + WINDOW, "concurrence timer");
        vm.prank(beta);
        clearing.concur(id);
        expectState(id, IPortClearing.PortState.Concurred);
        vm.prank(alpha);
        clearing.schedule(id, uint64(T0 + 3600));
        expectState(id, IPortClearing.PortState.Scheduled);
        vm.warp(T0 + 3600);
        vm.prank(alpha);
        clearing.activate(id);
        expectState(id, IPortClearing.PortState.Activated);
        assertEq(clearing.portOf(id).activatedAt, T0 + 3600, "activation time");
        assertEq(clearing.openPortOf(12025550100), bytes32(0), "number free after activation");
        assertEq(clearing.version(), "2.0.0", "version");
    }

    function test_portWithoutConcurrenceRefused() public {
        bytes32 id = requested();
        vm.prank(alpha);
        vm.expectRevert(
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, id, IPortClearing.PortState.Requested)
        );
        clearing.activate(id);
        vm.prank(alpha);
        vm.expectRevert(
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, id, IPortClearing.PortState.Requested)
        );
        clearing.schedule(id, uint64(T0));
        // The gaining provider cannot concur for the losing one.
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotTheProvider.selector, id, alpha, beta));
        clearing.concur(id);
        expectState(id, IPortClearing.PortState.Requested);
    }

    function test_doubleActivationRefused() public {
        bytes32 id = scheduled(uint64(T0));
        vm.prank(alpha);
        clearing.activate(id);
        vm.prank(alpha);
        vm.expectRevert(
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, id, IPortClearing.PortState.Activated)
        );
        clearing.activate(id);
    }

    function test_refusalWithReasonFreesNumbers() public {
        bytes32 id = requested();
        vm.prank(beta);
        clearing.refuse(id, 4);
        expectState(id, IPortClearing.PortState.Refused);
        assertEq(uint256(clearing.portOf(id).reason), 4, "reason");
        assertEq(clearing.openPortOf(12025550200), bytes32(0), "numbers free");
        vm.prank(beta);
        vm.expectRevert(
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, id, IPortClearing.PortState.Refused)
        );
        clearing.concur(id);
    }

    function test_timers() public {
        bytes32 id = requested();
        vm.warp(T0 + WINDOW + 1);
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.ConcurrenceWindowClosed.selector, id, T0 + WINDOW));
        clearing.concur(id);
        vm.prank(alpha);
        clearing.cancel(id);
        expectState(id, IPortClearing.PortState.Cancelled);

        vm.warp(T0);
        vm.prank(alpha);
        bytes32 late = clearing.request(beta, numbers(12025550100, 12025550200), WINDOW, bytes32(uint256(2)));
        vm.prank(beta);
        clearing.concur(late);
        vm.prank(alpha);
        clearing.schedule(late, uint64(T0 + 100));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotYetDue.selector, late, T0 + 100));
        clearing.activate(late);
        vm.warp(T0 + 100 + clearing.ACTIVATION_WINDOW() + 1);
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.ActivationWindowClosed.selector, late, T0 + 100));
        clearing.activate(late);
    }

    function test_conflictStopsActivationUntilResolved() public {
        bytes32 id = scheduled(uint64(T0));
        vm.prank(beta);
        clearing.conflict(id, 9);
        vm.prank(alpha);
        vm.expectRevert(
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, id, IPortClearing.PortState.Conflict)
        );
        clearing.activate(id);
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotTheProvider.selector, id, alpha, beta));
        clearing.resolveConflict(id);
        vm.prank(beta);
        clearing.resolveConflict(id);
        expectState(id, IPortClearing.PortState.Concurred);
        vm.prank(alpha);
        clearing.schedule(id, uint64(T0));
        vm.prank(alpha);
        clearing.activate(id);
        expectState(id, IPortClearing.PortState.Activated);
    }

    function test_numberInOnePortAtATime() public {
        bytes32 id = requested();
        vm.prank(gamma);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NumberInOpenPort.selector, 12025550200, id));
        clearing.request(beta, numbers(13125550100, 12025550200), WINDOW, bytes32(0));
    }

    function test_onlyProvidersPortAndOnlyTheirOwnSteps() public {
        vm.prank(authority);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotAProvider.selector, authority));
        clearing.request(beta, numbers(12025550100, 12025550200), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotAProvider.selector, authority));
        clearing.request(authority, numbers(12025550100, 12025550200), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.SameProvider.selector, alpha));
        clearing.request(alpha, numbers(12025550100, 12025550200), WINDOW, bytes32(0));
        bytes32 id = requested();
        vm.prank(gamma);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotTheProvider.selector, id, gamma, beta));
        clearing.refuse(id, 1);
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotTheProvider.selector, id, beta, alpha));
        clearing.cancel(id);
    }

    function test_inputRules() public {
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.MalformedNumber.selector, 0));
        clearing.request(beta, numbers(12025550100, 0), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.MalformedNumber.selector, 1e15));
        clearing.request(beta, numbers(1e15, 1202), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.BadNumberCount.selector, 0, 1000));
        clearing.request(beta, new uint64[](0), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.ConcurrenceWindowOutOfRange.selector, 60, 3600, 864000));
        clearing.request(beta, numbers(12025550100, 12025550200), 60, bytes32(0));
        bytes32 id = requested();
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.PortIdTaken.selector, id));
        clearing.request(beta, numbers(12025550100, 12025550200), WINDOW, bytes32(uint256(1)));
    }

    function scheduledRange(uint64 start, uint32 count, bytes32 salt, uint64 at) internal returns (bytes32 id) {
        vm.prank(alpha);
        id = clearing.requestRange(beta, start, count, 1, WINDOW, salt);
        vm.prank(beta);
        clearing.concur(id);
        vm.prank(alpha);
        clearing.schedule(id, at);
    }

    function test_rangeIsItsNumbers() public {
        vm.prank(alpha);
        bytes32 id = clearing.requestRange(beta, 13125550200, 10, 1, WINDOW, bytes32(uint256(7)));
        uint64[] memory list = new uint64[](10);
        for (uint256 i = 0; i < 10; i++) list[i] = uint64(13125550200 + i);
        assertEq(clearing.portOf(id).numbersDigest, keccak256(abi.encodePacked(list)), "digest of the numbers");
        assertEq(uint256(clearing.portOf(id).count), 10, "count");
        assertEq(clearing.openPortOf(13125550209), id, "last number held");
        // A number inside the range, and a range overlapping it, conflict with it (the rule: a range is its numbers).
        vm.prank(gamma);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NumberInOpenPort.selector, 13125550205, id));
        clearing.request(beta, numbers(13125550300, 13125550205), WINDOW, bytes32(0));
        vm.prank(gamma);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NumberInOpenPort.selector, 13125550200, id));
        clearing.requestRange(beta, 13125550190, 20, 1, WINDOW, bytes32(0));
        // The same list as a range has the same id: a second request of it is refused.
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.PortIdTaken.selector, id));
        clearing.request(beta, list, WINDOW, bytes32(uint256(7)));
        // Cancelled: every number free at once, no write per number.
        vm.prank(alpha);
        clearing.cancel(id);
        assertEq(clearing.openPortOf(13125550205), bytes32(0), "free after cancel");
        vm.prank(gamma);
        clearing.request(beta, numbers(13125550300, 13125550205), WINDOW, bytes32(0));
    }

    function test_numberNamedTwiceRefused() public {
        vm.prank(alpha);
        bytes32 id = keccak256(
            abi.encode(
                block.chainid,
                address(clearing),
                alpha,
                beta,
                keccak256(abi.encodePacked(numbers(12025550100, 12025550100))),
                bytes32(0)
            )
        );
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NumberInOpenPort.selector, 12025550100, id));
        clearing.request(beta, numbers(12025550100, 12025550100), WINDOW, bytes32(0));
    }

    function test_rangeTooLargeForATransaction() public {
        uint256 max = clearing.MAX_NUMBERS_PER_PORT();
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.RangeTooLarge.selector, max + 1, max));
        clearing.requestRange(beta, 13125550000, uint32(max + 1), 1, WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.RangeTooLarge.selector, 0, max));
        clearing.requestRange(beta, 13125550000, 0, 1, WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.BadRangeStep.selector, 0));
        clearing.requestRange(beta, 13125550000, 2, 0, WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.MalformedNumber.selector, 1e15 + 1));
        clearing.requestRange(beta, 1e15 - 1, 2, 2, WINDOW, bytes32(0));
        // A full-size range fits one transaction.
        vm.prank(alpha);
        bytes32 id = clearing.requestRange(beta, 13125550000, uint32(max), 1, WINDOW, bytes32(0));
        assertEq(uint256(clearing.portOf(id).count), max, "full range");
    }

    function expectItemRefused(uint256 index, bytes32 id, bytes memory reason) internal {
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.BatchItemRefused.selector, index, id, reason));
    }

    function test_batchActivation() public {
        bytes32[] memory ids = new bytes32[](3);
        ids[0] = scheduledRange(14155550000, 100, bytes32(uint256(1)), uint64(T0));
        ids[1] = scheduledRange(14155550100, 100, bytes32(uint256(2)), uint64(T0));
        ids[2] = scheduled(uint64(T0));
        vm.prank(alpha);
        clearing.activateBatch(ids);
        for (uint256 i = 0; i < 3; i++) expectState(ids[i], IPortClearing.PortState.Activated);
        assertEq(clearing.openPortOf(14155550199), bytes32(0), "a bulk port's numbers all activated");
        // Again: the first item is refused by index and reason; a double activation is refused.
        vm.prank(alpha);
        expectItemRefused(
            0,
            ids[0],
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, ids[0], IPortClearing.PortState.Activated)
        );
        clearing.activateBatch(ids);
    }

    function test_badBatchItemRefusesTheWholeBatch() public {
        bytes32[] memory ids = new bytes32[](4);
        ids[0] = scheduledRange(14155550000, 10, bytes32(uint256(1)), uint64(T0));
        vm.prank(alpha);
        ids[1] = clearing.requestRange(beta, 14155550100, 10, 1, WINDOW, bytes32(uint256(2)));
        ids[2] = scheduledRange(14155550200, 10, bytes32(uint256(3)), uint64(T0 + 100));
        ids[3] = bytes32(uint256(99));
        bytes32[] memory two = new bytes32[](2);
        two[0] = ids[0];
        // Without concurrence (item 1): named by index and reason, nothing activated.
        two[1] = ids[1];
        vm.prank(alpha);
        expectItemRefused(
            1,
            ids[1],
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, ids[1], IPortClearing.PortState.Requested)
        );
        clearing.activateBatch(two);
        expectState(ids[0], IPortClearing.PortState.Scheduled);
        // Not yet due; unknown; the same port twice; another provider's port.
        two[1] = ids[2];
        vm.prank(alpha);
        expectItemRefused(1, ids[2], abi.encodeWithSelector(IPortClearing.NotYetDue.selector, ids[2], T0 + 100));
        clearing.activateBatch(two);
        two[1] = ids[3];
        vm.prank(alpha);
        expectItemRefused(1, ids[3], abi.encodeWithSelector(IPortClearing.UnknownPort.selector, ids[3]));
        clearing.activateBatch(two);
        two[1] = ids[0];
        vm.prank(alpha);
        expectItemRefused(
            1,
            ids[0],
            abi.encodeWithSelector(IPortClearing.InvalidPortState.selector, ids[0], IPortClearing.PortState.Activated)
        );
        clearing.activateBatch(two);
        vm.prank(beta);
        expectItemRefused(
            0,
            ids[0],
            abi.encodeWithSelector(IPortClearing.NotTheProvider.selector, ids[0], beta, alpha)
        );
        clearing.activateBatch(two);
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.BadBatchSize.selector, 0, 500));
        clearing.activateBatch(new bytes32[](0));
        expectState(ids[0], IPortClearing.PortState.Scheduled);
    }
}
