// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The traceback rules: only operators open; only the carrier asked now answers, within its window; a silent carrier
// is recorded; the trace ends at the origin; no loops; ids from content and requester.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {ITraceback} from "./ITraceback.sol";
import {Traceback} from "./Traceback.sol";

contract TracebackTest is TestBase {
    ConsortiumRegistry internal consortium;
    Traceback internal traceback;

    // north terminates the call; beta, alpha and origin carry it; outsider is a carrier not in the path; vetter holds
    // no operator role.
    address internal north = address(0xA0);
    address internal beta = address(0xA1);
    address internal alpha = address(0xA2);
    address internal origin = address(0xA3);
    address internal outsider = address(0xA4);
    address internal vetter = address(0xB0);

    bytes32 internal constant CALL = keccak256("keyed call digest");
    uint32 internal constant WINDOW = 1 hours;
    uint256 internal constant T0 = 1_800_000_000;

    function setUp() public {
        address[] memory founders = new address[](6);
        founders[0] = north;
        founders[1] = beta;
        founders[2] = alpha;
        founders[3] = origin;
        founders[4] = outsider;
        founders[5] = vetter;
        string[] memory names = new string[](6);
        bytes32[][] memory roles = new bytes32[][](6);
        for (uint256 i = 0; i < 6; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] =
                i == 0
                    ? Roles.MOBILE_OPERATOR
                    : i == 3
                        ? Roles.OSP
                        : i == 5
                            ? Roles.KYC_VETTER
                            : Roles.TNSP;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        traceback = new Traceback(consortium);
        vm.warp(T0);
    }

    function opened() internal returns (bytes32 id) {
        vm.prank(north);
        id = traceback.open(CALL, 1, beta, WINDOW, bytes32(uint256(7)));
    }

    function expectState(bytes32 id, ITraceback.TraceState state) internal view {
        assertEq(uint256(traceback.traceOf(id).state), uint256(state), "state");
    }

    function test_tracedThroughThreeCarriers() public {
        bytes32 id = opened();
        assertEq(
            id,
            keccak256(abi.encode(block.chainid, address(traceback), north, CALL, bytes32(uint256(7)))),
            "id from content and requester"
        );
        assertEq(traceback.traceIdOf(north, CALL, bytes32(uint256(7))), id, "traceIdOf");
        assertEq(traceback.traceOf(id).asked, beta, "first hop asked");
        vm.warp(T0 + 60);
        vm.prank(beta);
        traceback.answer(id, alpha, keccak256("beta's CDR"));
        assertEq(traceback.traceOf(id).asked, alpha, "alpha asked next");
        assertEq(traceback.traceOf(id).askedAt, T0 + 60, "the next hop's clock starts at the answer");
        vm.prank(alpha);
        traceback.answer(id, origin, keccak256("alpha's CDR"));
        vm.prank(origin);
        traceback.answer(id, address(0), keccak256("origin's CDR"));
        expectState(id, ITraceback.TraceState.Completed);
        assertEq(traceback.traceOf(id).asked, origin, "the origin");
        address[] memory path = traceback.pathOf(id);
        assertEq(path.length, 4, "requester and three carriers");
        assertEq(path[0], north, "requester");
        assertEq(path[1], beta, "hop 1");
        assertEq(path[2], alpha, "hop 2");
        assertEq(path[3], origin, "hop 3");
        vm.prank(origin);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.TraceNotOpen.selector, id, ITraceback.TraceState.Completed));
        traceback.answer(id, address(0), bytes32(0));
        assertEq(traceback.version(), "1.2.0", "version");
    }

    function test_onlyTheAskedCarrierAnswers() public {
        bytes32 id = opened();
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotInPath.selector, id, outsider));
        traceback.answer(id, origin, bytes32(0));
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotInPath.selector, id, vetter));
        traceback.answer(id, origin, bytes32(0));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotAskedCarrier.selector, id, north, beta));
        traceback.answer(id, origin, bytes32(0));
        vm.prank(beta);
        traceback.answer(id, alpha, bytes32(0));
        // beta answered: now alpha is asked, and beta may not answer again.
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotAskedCarrier.selector, id, beta, alpha));
        traceback.answer(id, address(0), bytes32(0));
        assertEq(traceback.pathOf(id).length, 3, "nothing changed");
        expectState(id, ITraceback.TraceState.Open);
    }

    function test_silentCarrierRecorded() public {
        bytes32 id = opened();
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.HopNotOverdue.selector, id, beta, T0 + WINDOW));
        traceback.markUnanswered(id);
        vm.warp(T0 + WINDOW + 1);
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.HopDeadlinePassed.selector, id, beta, T0 + WINDOW));
        traceback.answer(id, alpha, bytes32(0));
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotAnOperator.selector, vetter));
        traceback.markUnanswered(id);
        vm.prank(north);
        traceback.markUnanswered(id);
        expectState(id, ITraceback.TraceState.Unanswered);
        assertEq(traceback.traceOf(id).asked, beta, "the silent carrier");
    }

    function test_openRules() public {
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotAnOperator.selector, vetter));
        traceback.open(CALL, 1, beta, WINDOW, bytes32(0));
        vm.startPrank(north);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotACarrier.selector, vetter));
        traceback.open(CALL, 1, vetter, WINDOW, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.InvalidAttestation.selector, uint8(4)));
        traceback.open(CALL, 4, beta, WINDOW, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.HopWindowOutOfRange.selector, uint32(59), 60, 7 days));
        traceback.open(CALL, 1, beta, 59, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.EmptyCallDigest.selector));
        traceback.open(bytes32(0), 1, beta, WINDOW, bytes32(0));
        bytes32 id = traceback.traceIdOf(north, CALL, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.AlreadyInPath.selector, id, north));
        traceback.open(CALL, 1, north, WINDOW, bytes32(0));
        traceback.open(CALL, 1, beta, WINDOW, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.TraceIdTaken.selector, id));
        traceback.open(CALL, 1, beta, WINDOW, bytes32(0));
        vm.stopPrank();
    }

    function test_noLoopsNorNonCarriers() public {
        bytes32 id = opened();
        vm.startPrank(beta);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.AlreadyInPath.selector, id, north));
        traceback.answer(id, north, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.AlreadyInPath.selector, id, beta));
        traceback.answer(id, beta, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotACarrier.selector, vetter));
        traceback.answer(id, vetter, bytes32(0));
        vm.stopPrank();
        bytes32 none = bytes32(uint256(1));
        vm.expectRevert(abi.encodeWithSelector(ITraceback.UnknownTrace.selector, none));
        traceback.traceOf(none);
    }

    function passport(bytes32 spc) internal pure returns (ITraceback.PassportFacts memory) {
        return ITraceback.PassportFacts(bytes16(keccak256("origid")), spc, keccak256("STI certificate DER"));
    }

    function test_certifiedTraceNamesTheSpcHolder() public {
        bytes32 spc = bytes32("OSP1");
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotAnOperator.selector, vetter));
        traceback.registerSpc(spc);
        vm.prank(origin);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.EmptySpc.selector));
        traceback.registerSpc(bytes32(0));
        vm.prank(origin);
        traceback.registerSpc(spc);
        vm.prank(origin);
        traceback.registerSpc(spc); // its own again: nothing changes
        vm.prank(alpha);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.SpcTaken.selector, spc, origin));
        traceback.registerSpc(spc);
        assertEq(traceback.spcHolderOf(spc), origin, "first come");

        vm.prank(north);
        bytes32 id = traceback.openCertified(CALL, 3, beta, WINDOW, bytes32(uint256(9)), passport(spc));
        ITraceback.Certification memory c = traceback.certificationOf(id);
        assertEq(c.originProvider, origin, "the SPC's member, resolved on chain");
        assertEq(c.spc, spc, "spc");
        assertEq(c.certificate, keccak256("STI certificate DER"), "certificate");
        assertTrue(c.origid == bytes16(keccak256("origid")), "origid");
        assertEq(traceback.traceOf(id).asked, beta, "asks the first hop like open");

        // An SPC no member registered: recorded, with no originating member.
        vm.prank(north);
        bytes32 other = traceback.openCertified(
            CALL,
            1,
            beta,
            WINDOW,
            bytes32(uint256(10)),
            passport(bytes32("NOBODY"))
        );
        assertEq(traceback.certificationOf(other).originProvider, address(0), "no member");
        assertEq(traceback.certificationOf(opened()).spc, bytes32(0), "a trace without a PASSporT");
    }

    function test_certifiedTraceNeedsEveryPassportFact() public {
        ITraceback.PassportFacts memory p = passport(bytes32("OSP1"));
        vm.startPrank(north);
        vm.expectRevert(
            abi.encodeWithSelector(ITraceback.IncompletePassport.selector, p.origid, p.spc, p.certificate, uint8(0))
        );
        traceback.openCertified(CALL, 0, beta, WINDOW, bytes32(0), p);
        p.spc = bytes32(0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ITraceback.IncompletePassport.selector,
                p.origid,
                bytes32(0),
                p.certificate,
                uint8(1)
            )
        );
        traceback.openCertified(CALL, 1, beta, WINDOW, bytes32(0), p);
        vm.stopPrank();
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotAnOperator.selector, vetter));
        traceback.openCertified(CALL, 1, beta, WINDOW, bytes32(0), passport(bytes32("OSP1")));
    }

    bytes32 internal constant SUBJECT = keccak256("keyed number");
    address internal constant HOLDER_ORG = address(0xC1);
    address internal constant VETTER_ORG = address(0xC2);

    function completed() internal returns (bytes32 id) {
        id = opened();
        complete(id);
    }

    function complete(bytes32 id) internal {
        vm.prank(beta);
        traceback.answer(id, origin, bytes32(0));
        vm.prank(origin);
        traceback.answer(id, address(0), bytes32(0));
    }

    // The number of a completed trace flagged to its holder's vetter: only the requester or the origin, only once the
    // trace completed, once per flagger, number and vetter.
    function test_flagToVetter() public {
        bytes32 id = opened();
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.TraceNotCompleted.selector, id, ITraceback.TraceState.Open));
        traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, bytes32(0));
        complete(id);
        // beta was in the path but is neither requester nor origin; the vetter holds no operator role.
        vm.prank(beta);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotTraceParty.selector, id, beta));
        traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, bytes32(0));
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotTraceParty.selector, id, vetter));
        traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, bytes32(0));
        vm.prank(north);
        vm.expectRevert(
            abi.encodeWithSelector(ITraceback.IncompleteFlag.selector, SUBJECT, HOLDER_ORG, VETTER_ORG, address(0xDEAD))
        );
        traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, address(0xDEAD), bytes32(0));

        vm.prank(north);
        bytes32 flagId = traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, keccak256("campaign"));
        assertEq(
            flagId,
            keccak256(abi.encode(block.chainid, address(traceback), north, id, SUBJECT, VETTER_ORG)),
            "id from content and flagger"
        );
        assertEq(traceback.flagIdOf(north, id, SUBJECT, VETTER_ORG), flagId, "flagIdOf");
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.FlagExists.selector, flagId));
        traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, bytes32(0));
        vm.prank(origin);
        bytes32 byOrigin = traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, bytes32(0));
        assertTrue(byOrigin != flagId, "the origin's flag is its own");
    }

    // Only the vetter's member acknowledges a flag, once.
    function test_acknowledgeFlag() public {
        bytes32 id = completed();
        vm.prank(north);
        bytes32 flagId = traceback.flagToVetter(id, SUBJECT, HOLDER_ORG, VETTER_ORG, vetter, bytes32(0));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.NotFlagVetter.selector, flagId, north, vetter));
        traceback.acknowledgeFlag(flagId);
        vm.warp(T0 + 90);
        vm.prank(vetter);
        traceback.acknowledgeFlag(flagId);
        ITraceback.VetterFlag memory f = traceback.flagOf(flagId);
        assertEq(f.flagger, north, "flagger");
        assertEq(f.holder, HOLDER_ORG, "holder");
        assertEq(f.vetter, VETTER_ORG, "vetter");
        assertEq(f.acknowledgedAt, T0 + 90, "acknowledged");
        vm.prank(vetter);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.FlagAlreadyAcknowledged.selector, flagId));
        traceback.acknowledgeFlag(flagId);
        vm.expectRevert(abi.encodeWithSelector(ITraceback.UnknownFlag.selector, bytes32(uint256(1))));
        traceback.flagOf(bytes32(uint256(1)));
    }
}
