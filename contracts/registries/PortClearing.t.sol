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

    function numbers(string memory a, string memory b) internal pure returns (string[] memory list) {
        list = new string[](2);
        list[0] = a;
        list[1] = b;
    }

    function requested() internal returns (bytes32 id) {
        vm.prank(alpha);
        id = clearing.request(beta, numbers("12025550100", "1202555020"), WINDOW, bytes32(uint256(1)));
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
        string[] memory list = numbers("12025550100", "1202555020");
        bytes32 expected = keccak256(
            abi.encode(block.chainid, address(clearing), alpha, beta, keccak256(abi.encode(list)), bytes32(uint256(1)))
        );
        bytes32 id = requested();
        assertEq(id, expected, "id from content and creator");
        assertEq(clearing.openPortOf("12025550100"), id, "number held by the open port");
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
        assertEq(clearing.openPortOf("12025550100"), bytes32(0), "number free after activation");
        assertEq(clearing.version(), "1.0.0", "version");
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
        assertEq(clearing.openPortOf("1202555020"), bytes32(0), "numbers free");
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
        bytes32 late = clearing.request(beta, numbers("12025550100", "1202555020"), WINDOW, bytes32(uint256(2)));
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
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NumberInOpenPort.selector, "1202555020", id));
        clearing.request(beta, numbers("13125550100", "1202555020"), WINDOW, bytes32(0));
    }

    function test_onlyProvidersPortAndOnlyTheirOwnSteps() public {
        vm.prank(authority);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotAProvider.selector, authority));
        clearing.request(beta, numbers("12025550100", "1202555020"), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.NotAProvider.selector, authority));
        clearing.request(authority, numbers("12025550100", "1202555020"), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.SameProvider.selector, alpha));
        clearing.request(alpha, numbers("12025550100", "1202555020"), WINDOW, bytes32(0));
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
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.MalformedNumber.selector, "0202"));
        clearing.request(beta, numbers("12025550100", "0202"), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.MalformedNumber.selector, "1202-555"));
        clearing.request(beta, numbers("1202-555", "1202"), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.BadNumberCount.selector, 0, 1000));
        clearing.request(beta, new string[](0), WINDOW, bytes32(0));
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.ConcurrenceWindowOutOfRange.selector, 60, 3600, 864000));
        clearing.request(beta, numbers("12025550100", "1202555020"), 60, bytes32(0));
        bytes32 id = requested();
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IPortClearing.PortIdTaken.selector, id));
        clearing.request(beta, numbers("12025550100", "1202555020"), WINDOW, bytes32(uint256(1)));
    }
}
