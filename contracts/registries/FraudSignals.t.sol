// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The fraud-signal rules: only operators report; only the reporter clears; only the number holder's operator
// challenges; signals expire; ids from content and reporter.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {FraudSignals} from "./FraudSignals.sol";
import {IFraudSignals} from "./IFraudSignals.sol";

contract FraudSignalsTest is TestBase {
    ConsortiumRegistry internal consortium;
    FraudSignals internal signals;

    // north reports; alpha operates the number's holder; beta is another operator; vetter holds no operator role.
    address internal north = address(0xA0);
    address internal alpha = address(0xA1);
    address internal beta = address(0xA2);
    address internal vetter = address(0xB0);

    bytes32 internal constant SUBJECT = keccak256("keyed number");
    bytes32 internal constant EVIDENCE = keccak256("one-ring CDRs");
    uint256 internal constant T0 = 1_800_000_000;
    uint64 internal constant EXPIRES = uint64(T0 + 30 days);

    function setUp() public {
        address[] memory founders = new address[](4);
        founders[0] = north;
        founders[1] = alpha;
        founders[2] = beta;
        founders[3] = vetter;
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] =
                i == 0
                    ? Roles.MOBILE_OPERATOR
                    : i == 3
                        ? Roles.KYC_VETTER
                        : Roles.TNSP;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        signals = new FraudSignals(consortium);
        vm.warp(T0);
    }

    function reported() internal returns (bytes32 id) {
        vm.prank(north);
        id = signals.report(
            SUBJECT,
            IFraudSignals.SignalKind.Wangiri,
            80,
            EVIDENCE,
            EXPIRES,
            alpha,
            bytes32(uint256(3))
        );
    }

    function expectState(bytes32 id, IFraudSignals.SignalState state) internal view {
        assertEq(uint256(signals.signalOf(id).state), uint256(state), "state");
    }

    function test_reportChallengeClear() public {
        bytes32 id = reported();
        bytes32 expected = keccak256(
            abi.encode(
                block.chainid,
                address(signals),
                north,
                SUBJECT,
                IFraudSignals.SignalKind.Wangiri,
                EVIDENCE,
                bytes32(uint256(3))
            )
        );
        assertEq(id, expected, "id from content and reporter");
        assertTrue(signals.isLive(id), "live");
        assertEq(signals.signalOf(id).confidence, 80, "confidence");
        vm.prank(alpha);
        signals.challenge(id, keccak256("the holder's records"));
        expectState(id, IFraudSignals.SignalState.Challenged);
        assertTrue(signals.isLive(id), "a challenged signal still counts");
        vm.prank(north);
        signals.clear(id);
        expectState(id, IFraudSignals.SignalState.Cleared);
        assertFalse(signals.isLive(id), "cleared");
        assertEq(signals.version(), "1.0.0", "version");
    }

    function test_nonOperatorReportRefused() public {
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotAnOperator.selector, vetter));
        signals.report(SUBJECT, IFraudSignals.SignalKind.SimBox, 50, EVIDENCE, EXPIRES, address(0), bytes32(0));
    }

    function test_onlyTheReporterClears() public {
        bytes32 id = reported();
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotSignalReporter.selector, id, beta, north));
        signals.clear(id);
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotSignalReporter.selector, id, alpha, north));
        signals.clear(id);
        expectState(id, IFraudSignals.SignalState.Active);
    }

    function test_onlyTheHolderOperatorChallenges() public {
        bytes32 id = reported();
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotHolderOperator.selector, id, beta, alpha));
        signals.challenge(id, bytes32(0));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotHolderOperator.selector, id, north, alpha));
        signals.challenge(id, bytes32(0));
        expectState(id, IFraudSignals.SignalState.Active);
        // Without a named holder, any operator but the reporter may challenge.
        vm.prank(north);
        bytes32 open = signals.report(SUBJECT, IFraudSignals.SignalKind.SimSwap, 60, EVIDENCE, EXPIRES, address(0), 0);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotHolderOperator.selector, open, north, address(0)));
        signals.challenge(open, bytes32(0));
        vm.prank(beta);
        signals.challenge(open, bytes32(0));
        vm.prank(beta);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFraudSignals.InvalidSignalState.selector,
                open,
                IFraudSignals.SignalState.Challenged
            )
        );
        signals.challenge(open, bytes32(0));
    }

    function test_expiry() public {
        bytes32 id = reported();
        vm.warp(EXPIRES);
        assertFalse(signals.isLive(id), "expired");
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.SignalExpired.selector, id, EXPIRES));
        signals.challenge(id, bytes32(0));
    }

    function test_inputRules() public {
        vm.startPrank(north);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.ConfidenceOutOfRange.selector, uint8(101)));
        signals.report(SUBJECT, IFraudSignals.SignalKind.Wangiri, 101, EVIDENCE, EXPIRES, alpha, 0);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.ConfidenceOutOfRange.selector, uint8(0)));
        signals.report(SUBJECT, IFraudSignals.SignalKind.Wangiri, 0, EVIDENCE, EXPIRES, alpha, 0);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.ExpiryOutOfRange.selector, uint64(T0), T0 + 365 days));
        signals.report(SUBJECT, IFraudSignals.SignalKind.Wangiri, 50, EVIDENCE, uint64(T0), alpha, 0);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.NotACarrier.selector, vetter));
        signals.report(SUBJECT, IFraudSignals.SignalKind.Wangiri, 50, EVIDENCE, EXPIRES, vetter, 0);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.EmptySubject.selector));
        signals.report(bytes32(0), IFraudSignals.SignalKind.Wangiri, 50, EVIDENCE, EXPIRES, alpha, 0);
        vm.stopPrank();
        bytes32 id = reported();
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IFraudSignals.SignalIdTaken.selector, id));
        signals.report(SUBJECT, IFraudSignals.SignalKind.Wangiri, 80, EVIDENCE, EXPIRES, alpha, bytes32(uint256(3)));
    }
}
