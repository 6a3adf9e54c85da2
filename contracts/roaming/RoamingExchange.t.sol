// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of the authentication exchange: only the visited operator requests and activates, only the home operator
// answers, before expiry, once; a batch either reverts naming the bad item or applies with every stale item reported.
import {IRoamingExchange} from "./IRoamingExchange.sol";
import {RoamingHarness} from "./RoamingHarness.sol";

/// @notice Foundry's log-recording cheatcodes (served by Hardhat's Solidity test runner at the cheatcode address).
// solhint-disable-next-line interface-starts-with-i
interface VmLogRecorder {
    function recordLogs() external;
    function getRecordedLogs() external returns (VmLog[] memory);
}

/// @notice A log as `getRecordedLogs` returns it.
struct VmLog {
    bytes32[] topics;
    bytes data;
    address emitter;
}

contract RoamingExchangeTest is RoamingHarness {
    VmLogRecorder internal constant LOGS = VmLogRecorder(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    uint64 internal constant TTL = 60;
    // About the size of a compact JWE (ECDH-ES + A256GCM, P-256 epk) carrying an IMSI.
    bytes internal jwe;

    function setUp() public {
        deployRoaming();
        grantNetwork(op0, "23415");
        grantNetwork(op1, "20801");
        vm.warp(1_800_000_000);
        jwe = new bytes(280);
        for (uint256 i = 0; i < jwe.length; i++) {
            jwe[i] = bytes1(uint8(0x41 + (i % 26)));
        }
    }

    function rid(uint256 n) internal pure returns (bytes32) {
        return keccak256(abi.encode("request", n));
    }

    function requests(uint256 from, uint256 count) internal view returns (IRoamingExchange.Request[] memory r) {
        r = new IRoamingExchange.Request[](count);
        for (uint256 i = 0; i < count; i++) {
            r[i] = IRoamingExchange.Request({
                requestId: rid(from + i),
                pseudonym: keccak256(abi.encode("pseudonym", from + i)),
                expiresAt: uint64(block.timestamp) + TTL,
                ciphertext: jwe
            });
        }
    }

    function answers(uint256 from, uint256 count) internal view returns (IRoamingExchange.Answer[] memory a) {
        a = new IRoamingExchange.Answer[](count);
        for (uint256 i = 0; i < count; i++) {
            a[i] = IRoamingExchange.Answer({requestId: rid(from + i), ciphertext: jwe});
        }
    }

    function activations(
        uint256 from,
        uint256 count,
        bool activated
    ) internal pure returns (IRoamingExchange.Activation[] memory a) {
        a = new IRoamingExchange.Activation[](count);
        for (uint256 i = 0; i < count; i++) {
            a[i] = IRoamingExchange.Activation({
                requestId: rid(from + i),
                activated: activated,
                servicesDigest: bytes32(0)
            });
        }
    }

    function ids(uint256 from, uint256 count) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            out[i] = rid(from + i);
        }
    }

    function stateOf(uint256 n) internal view returns (IRoamingExchange.RequestState) {
        return exchange.request(rid(n)).state;
    }

    function assertState(uint256 n, IRoamingExchange.RequestState expected, string memory what) internal view {
        assertEq(uint256(stateOf(n)), uint256(expected), what);
    }

    /// @dev op1 (VPMN) asks op0 (HPMN) about requests [from, from + count).
    function submit(uint256 from, uint256 count) internal {
        vm.prank(op1);
        exchange.submitRequests(op0, requests(from, count));
    }

    // ------------------------------------------------------------ the happy path

    function test_exchange_requestAnswerActivation() public {
        IRoamingExchange.Request[] memory r = requests(0, 2);
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.RequestSubmitted(rid(0), op1, op0, r[0].pseudonym, r[0].expiresAt, jwe);
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        IRoamingExchange.RequestRecord memory rec = exchange.request(rid(0));
        assertEq(rec.vpmn, op1, "vpmn");
        assertEq(rec.hpmn, op0, "hpmn");
        assertEq(rec.expiresAt, block.timestamp + TTL, "expiry");
        assertState(0, IRoamingExchange.RequestState.Pending, "pending");
        assertEq(exchange.requestCount(), 2, "counted");

        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.AnswerSubmitted(rid(0), op1, op0, jwe);
        vm.prank(op0);
        exchange.submitAnswers(answers(0, 2));
        assertState(0, IRoamingExchange.RequestState.Answered, "answered");

        IRoamingExchange.Activation[] memory a = activations(0, 2, true);
        a[1].activated = false;
        a[0].servicesDigest = keccak256("digest");
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.ActivationRecorded(rid(0), op1, op0, true, keccak256("digest"));
        vm.prank(op1);
        exchange.recordActivations(a);
        assertState(0, IRoamingExchange.RequestState.Activated, "activated");
        assertState(1, IRoamingExchange.RequestState.Refused, "refused");
        assertEq(exchange.version(), "1.0.0", "version");
    }

    function test_exchange_unknownRequestReadsAsNone() public view {
        IRoamingExchange.RequestRecord memory rec = exchange.request(rid(99));
        assertEq(uint256(rec.state), uint256(IRoamingExchange.RequestState.None), "none");
        assertEq(rec.vpmn, address(0), "no parties");
    }

    // ------------------------------------------------------------ requests

    function test_submitRequests_onlyByAnOperator() public {
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotAnOperator.selector, gov3));
        vm.prank(gov3);
        exchange.submitRequests(op0, requests(0, 1));
    }

    function test_submitRequests_rejectsAHomeOperatorThatIsSelfWithoutNetworkOrNotAnOperator() public {
        address[4] memory bad = [op1, op2, gov3, outsider];
        for (uint256 i = 0; i < bad.length; i++) {
            vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidHomeOperator.selector, bad[i]));
            vm.prank(op1);
            exchange.submitRequests(bad[i], requests(0, 1));
        }
    }

    function test_submitRequests_skipsADuplicateIdInTheBatchAndKeepsTheRest() public {
        IRoamingExchange.Request[] memory r = requests(0, 3);
        r[2].requestId = rid(0);
        vm.expectEmit(true, false, false, true);
        emit IRoamingExchange.ItemSkipped(
            rid(0),
            IRoamingExchange.BatchKind.Requests,
            2,
            IRoamingExchange.SkipReason.RequestIdTaken
        );
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        assertState(0, IRoamingExchange.RequestState.Pending, "the first use stands");
        assertState(1, IRoamingExchange.RequestState.Pending, "the rest of the batch stands");
        assertEq(exchange.requestCount(), 2, "the duplicate is not counted");
    }

    function test_submitRequests_aCompetitorCopyingAnIdCannotSinkTheVictimsBatch() public {
        grantNetwork(op2, "26201");
        // The competitor (op2) copies id 5 from op1's pending batch and gets its own request mined first.
        vm.prank(op2);
        exchange.submitRequests(op0, requests(5, 1));
        // Before the fix op1's whole batch reverted with RequestAlreadyExists.
        vm.expectEmit(true, false, false, true);
        emit IRoamingExchange.ItemSkipped(
            rid(5),
            IRoamingExchange.BatchKind.Requests,
            5,
            IRoamingExchange.SkipReason.RequestIdTaken
        );
        submit(0, 10);
        for (uint256 n = 0; n < 10; n++) {
            if (n != 5) assertState(n, IRoamingExchange.RequestState.Pending, "every other item of the victim stands");
        }
        assertEq(exchange.request(rid(5)).vpmn, op2, "the copied id keeps its first owner: nothing is overwritten");
        assertEq(exchange.requestCount(), 10, "one for the competitor, nine for the victim");
    }

    function test_submitRequests_rejectsExpiryOutsideTheWindow() public {
        uint64 latest = uint64(block.timestamp) + exchange.MAX_REQUEST_TTL();
        IRoamingExchange.Request[] memory r = requests(0, 2);
        r[1].expiresAt = uint64(block.timestamp);
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingExchange.InvalidExpiry.selector, 1, rid(1), uint64(block.timestamp), latest)
        );
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        r[1].expiresAt = latest + 1;
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidExpiry.selector, 1, rid(1), latest + 1, latest));
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        r[1].expiresAt = latest;
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        assertState(1, IRoamingExchange.RequestState.Pending, "the latest expiry is accepted");
    }

    function test_submitRequests_rejectsMalformedItems() public {
        IRoamingExchange.Request[] memory r = requests(0, 2);
        r[1].requestId = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.ZeroRequestId.selector, 1));
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        r = requests(0, 2);
        r[1].ciphertext = "";
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidCiphertextLength.selector, 1, rid(1), 0, 2048));
        vm.prank(op1);
        exchange.submitRequests(op0, r);
        r[1].ciphertext = new bytes(2049);
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingExchange.InvalidCiphertextLength.selector, 1, rid(1), 2049, 2048)
        );
        vm.prank(op1);
        exchange.submitRequests(op0, r);
    }

    function test_batches_rejectEmptyAndOversizedBatches() public {
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidBatchSize.selector, 0, 1000));
        vm.prank(op1);
        exchange.submitRequests(op0, new IRoamingExchange.Request[](0));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidBatchSize.selector, 1001, 1000));
        vm.prank(op0);
        exchange.submitAnswers(new IRoamingExchange.Answer[](1001));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidBatchSize.selector, 0, 1000));
        vm.prank(op1);
        exchange.recordActivations(new IRoamingExchange.Activation[](0));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidBatchSize.selector, 0, 1000));
        vm.prank(op1);
        exchange.expire(new bytes32[](0));
    }

    // ------------------------------------------------------------ answers

    function test_submitAnswers_onlyByTheHomeOperatorOfEachRequest() public {
        submit(0, 2);
        // op2 -> op1 request, so op1 is HPMN of request 10 but not of 0..1.
        vm.prank(op2);
        exchange.submitRequests(op1, requests(10, 1));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotHomeOperator.selector, 0, rid(0), op1, op0));
        vm.prank(op1);
        exchange.submitAnswers(answers(0, 1));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotHomeOperator.selector, 0, rid(0), op2, op0));
        vm.prank(op2);
        exchange.submitAnswers(answers(0, 1));
        // A batch that mixes in another pair's request reverts as a whole.
        IRoamingExchange.Answer[] memory a = answers(0, 3);
        a[2].requestId = rid(10);
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotHomeOperator.selector, 2, rid(10), op0, op1));
        vm.prank(op0);
        exchange.submitAnswers(a);
        assertState(0, IRoamingExchange.RequestState.Pending, "nothing applied");
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotAnOperator.selector, outsider));
        vm.prank(outsider);
        exchange.submitAnswers(answers(0, 1));
    }

    function test_submitAnswers_rejectsAnUnknownRequest() public {
        submit(0, 1);
        IRoamingExchange.Answer[] memory a = answers(0, 2);
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.UnknownRequest.selector, 1, rid(1)));
        vm.prank(op0);
        exchange.submitAnswers(a);
        assertState(0, IRoamingExchange.RequestState.Pending, "nothing applied");
    }

    function test_submitAnswers_skipsExpiredAndRepeatedItemsAndAppliesTheRest() public {
        submit(0, 1);
        vm.warp(block.timestamp + 30);
        submit(1, 2);
        vm.prank(op0);
        exchange.submitAnswers(answers(2, 1));
        vm.warp(block.timestamp + 30);
        // Request 0 expired just now, request 2 is already answered, request 1 is answerable.
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.ItemSkipped(
            rid(0),
            IRoamingExchange.BatchKind.Answers,
            0,
            IRoamingExchange.SkipReason.Expired
        );
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.AnswerSubmitted(rid(1), op1, op0, jwe);
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.ItemSkipped(
            rid(2),
            IRoamingExchange.BatchKind.Answers,
            2,
            IRoamingExchange.SkipReason.AlreadyAnswered
        );
        vm.prank(op0);
        exchange.submitAnswers(answers(0, 3));
        assertState(0, IRoamingExchange.RequestState.Expired, "expired, not answered");
        assertState(1, IRoamingExchange.RequestState.Answered, "answered");
    }

    function test_submitAnswers_rejectsMalformedCiphertext() public {
        submit(0, 1);
        IRoamingExchange.Answer[] memory a = answers(0, 1);
        a[0].ciphertext = "";
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.InvalidCiphertextLength.selector, 0, rid(0), 0, 2048));
        vm.prank(op0);
        exchange.submitAnswers(a);
    }

    // ------------------------------------------------------------ activations

    function test_recordActivations_onlyByTheVisitedOperatorAndOnlyAfterAnAnswer() public {
        submit(0, 2);
        vm.prank(op0);
        exchange.submitAnswers(answers(0, 1));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotVisitedOperator.selector, 0, rid(0), op0, op1));
        vm.prank(op0);
        exchange.recordActivations(activations(0, 1, true));
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoamingExchange.RequestNotAnswered.selector,
                1,
                rid(1),
                IRoamingExchange.RequestState.Pending
            )
        );
        vm.prank(op1);
        exchange.recordActivations(activations(0, 2, true));
        assertState(0, IRoamingExchange.RequestState.Answered, "the whole batch reverted");
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.UnknownRequest.selector, 0, rid(5)));
        vm.prank(op1);
        exchange.recordActivations(activations(5, 1, true));
    }

    function test_recordActivations_skipsARepeatedActivation() public {
        submit(0, 1);
        vm.prank(op0);
        exchange.submitAnswers(answers(0, 1));
        vm.prank(op1);
        exchange.recordActivations(activations(0, 1, true));
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.ItemSkipped(
            rid(0),
            IRoamingExchange.BatchKind.Activations,
            0,
            IRoamingExchange.SkipReason.AlreadyClosed
        );
        vm.prank(op1);
        exchange.recordActivations(activations(0, 1, false));
        assertState(0, IRoamingExchange.RequestState.Activated, "the first record stands");
    }

    function test_recordActivations_neverActivatesAnExpiredRequest() public {
        submit(0, 1);
        vm.warp(block.timestamp + TTL);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoamingExchange.RequestNotAnswered.selector,
                0,
                rid(0),
                IRoamingExchange.RequestState.Expired
            )
        );
        vm.prank(op1);
        exchange.recordActivations(activations(0, 1, true));
    }

    // ------------------------------------------------------------ expiry

    function test_expire_byEitherPartyOnceTheExpiryPassed() public {
        submit(0, 3);
        vm.prank(op0);
        exchange.submitAnswers(answers(2, 1));
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.ItemSkipped(
            rid(0),
            IRoamingExchange.BatchKind.Expiries,
            0,
            IRoamingExchange.SkipReason.NotYetExpired
        );
        vm.prank(op1);
        exchange.expire(ids(0, 1));
        assertState(0, IRoamingExchange.RequestState.Pending, "not yet");
        vm.warp(block.timestamp + TTL);
        assertState(0, IRoamingExchange.RequestState.Expired, "reads as expired before expire()");
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.RequestExpired(rid(0), op1, op0, op1);
        vm.prank(op1);
        exchange.expire(ids(0, 1));
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.RequestExpired(rid(1), op1, op0, op0);
        vm.expectEmit(true, true, true, true);
        emit IRoamingExchange.ItemSkipped(
            rid(2),
            IRoamingExchange.BatchKind.Expiries,
            2,
            IRoamingExchange.SkipReason.AlreadyAnswered
        );
        vm.prank(op0);
        exchange.expire(ids(0, 3));
        assertState(1, IRoamingExchange.RequestState.Expired, "expired by the HPMN");
        assertState(2, IRoamingExchange.RequestState.Answered, "an answered request does not expire");
    }

    function test_expire_rejectsAThirdOperatorAndUnknownIds() public {
        submit(0, 1);
        vm.warp(block.timestamp + TTL);
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.NotRequestParty.selector, 0, rid(0), op2));
        vm.prank(op2);
        exchange.expire(ids(0, 1));
        vm.expectRevert(abi.encodeWithSelector(IRoamingExchange.UnknownRequest.selector, 1, rid(1)));
        vm.prank(op1);
        exchange.expire(ids(0, 2));
    }

    // ------------------------------------------------------------ fuzz and gas

    /// @dev What one batch item must end in: its request id, the topic0 of its one event and, for `ItemSkipped`, why.
    struct Outcome {
        bytes32 requestId;
        bytes32 topic0;
        IRoamingExchange.SkipReason reason;
    }

    function outcome(uint256 n, bytes32 topic0) internal pure returns (Outcome memory) {
        return Outcome({requestId: rid(n), topic0: topic0, reason: IRoamingExchange.SkipReason.Expired});
    }

    function skipped(uint256 n, IRoamingExchange.SkipReason reason) internal pure returns (Outcome memory) {
        return Outcome({requestId: rid(n), topic0: IRoamingExchange.ItemSkipped.selector, reason: reason});
    }

    /// @dev Fails unless the logs recorded since `vm.recordLogs()` hold exactly one event of the exchange per item of
    /// the batch, naming the item's request id, of the expected kind (and for `ItemSkipped`: this batch kind, the
    /// item's index and the expected reason), and nothing else.
    function assertOneEventPerItem(
        Outcome[] memory expected,
        IRoamingExchange.BatchKind kind,
        string memory what
    ) internal {
        VmLog[] memory logs = LOGS.getRecordedLogs();
        for (uint256 i = 0; i < expected.length; i++) {
            uint256 count;
            uint256 at;
            for (uint256 j = 0; j < logs.length; j++) {
                if (logs[j].emitter != address(exchange) || logs[j].topics.length < 2) continue;
                if (logs[j].topics[1] != expected[i].requestId) continue;
                count++;
                at = j;
            }
            assertEq(count, 1, string.concat(what, ": exactly one event for item ", itoa(i)));
            assertEq(logs[at].topics[0], expected[i].topic0, string.concat(what, ": outcome of item ", itoa(i)));
            if (expected[i].topic0 != IRoamingExchange.ItemSkipped.selector) continue;
            (IRoamingExchange.BatchKind k, uint256 index, IRoamingExchange.SkipReason reason) = abi.decode(
                logs[at].data,
                (IRoamingExchange.BatchKind, uint256, IRoamingExchange.SkipReason)
            );
            assertEq(uint256(k), uint256(kind), string.concat(what, ": skipped batch kind"));
            assertEq(index, i, string.concat(what, ": skipped item's index"));
            assertEq(
                uint256(reason),
                uint256(expected[i].reason),
                string.concat(what, ": skip reason of item ", itoa(i))
            );
        }
        assertEq(logs.length, expected.length, string.concat(what, ": no event beyond one per item"));
    }

    function itoa(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        bytes memory out = new bytes(78);
        uint256 at = out.length;
        while (value > 0) {
            out[--at] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
        bytes memory trimmed = new bytes(out.length - at);
        for (uint256 i = 0; i < trimmed.length; i++) trimmed[i] = out[at + i];
        return string(trimmed);
    }

    // Every item of every mined batch ends in exactly one event (its state change or ItemSkipped), through requests,
    // answers of a random subset, answers of the whole batch after a random delay, expiry and repeated activations.
    function testFuzz_batches_everyItemEndsInExactlyOneOutcome(
        uint8 sizeSeed,
        uint256 answerMask,
        uint8 delaySeed
    ) public {
        uint256 n = bound(sizeSeed, 1, 40);
        submitAndCheckEvents(n);
        answerSubsetAndCheckEvents(n, answerMask);
        bool[] memory isAnswered = answerAllAndCheckEvents(n, answerMask, bound(delaySeed, 0, 2 * TTL));
        expireAllAndCheckEvents(isAnswered);
        activateTwiceAndCheckEvents(isAnswered);
    }

    function submitAndCheckEvents(uint256 n) internal {
        Outcome[] memory expected = new Outcome[](n);
        for (uint256 i = 0; i < n; i++) expected[i] = outcome(i, IRoamingExchange.RequestSubmitted.selector);
        LOGS.recordLogs();
        submit(0, n);
        assertOneEventPerItem(expected, IRoamingExchange.BatchKind.Answers, "requests");
        assertEq(exchange.requestCount(), n, "all recorded");
    }

    /// @dev Answers the items whose bit is set in `mask`, in time: each is answered.
    function answerSubsetAndCheckEvents(uint256 n, uint256 mask) internal {
        uint256 subset;
        for (uint256 i = 0; i < n; i++) {
            if ((mask >> i) & 1 == 1) subset++;
        }
        if (subset == 0) return;
        IRoamingExchange.Answer[] memory first = new IRoamingExchange.Answer[](subset);
        Outcome[] memory expected = new Outcome[](subset);
        uint256 k;
        for (uint256 i = 0; i < n; i++) {
            if ((mask >> i) & 1 == 0) continue;
            expected[k] = outcome(i, IRoamingExchange.AnswerSubmitted.selector);
            first[k++] = IRoamingExchange.Answer({requestId: rid(i), ciphertext: jwe});
        }
        LOGS.recordLogs();
        vm.prank(op0);
        exchange.submitAnswers(first);
        assertOneEventPerItem(expected, IRoamingExchange.BatchKind.Answers, "first answers");
    }

    /// @dev Answers the whole batch `delay` seconds later: the items answered before are skipped as already answered,
    /// the rest are answered iff the delay is before the expiry, else skipped as expired.
    function answerAllAndCheckEvents(
        uint256 n,
        uint256 mask,
        uint256 delay
    ) internal returns (bool[] memory isAnswered) {
        vm.warp(block.timestamp + delay);
        Outcome[] memory expected = new Outcome[](n);
        isAnswered = new bool[](n);
        for (uint256 i = 0; i < n; i++) {
            bool early = (mask >> i) & 1 == 1;
            isAnswered[i] = early || delay < TTL;
            if (early) expected[i] = skipped(i, IRoamingExchange.SkipReason.AlreadyAnswered);
            else if (delay < TTL) expected[i] = outcome(i, IRoamingExchange.AnswerSubmitted.selector);
            else expected[i] = skipped(i, IRoamingExchange.SkipReason.Expired);
        }
        LOGS.recordLogs();
        vm.prank(op0);
        exchange.submitAnswers(answers(0, n));
        assertOneEventPerItem(expected, IRoamingExchange.BatchKind.Answers, "all answers");
        for (uint256 i = 0; i < n; i++) {
            IRoamingExchange.RequestState state =
                isAnswered[i] ? IRoamingExchange.RequestState.Answered : IRoamingExchange.RequestState.Expired;
            assertState(i, state, "answered iff in time");
        }
    }

    /// @dev Past every expiry, expiring the whole batch closes exactly the unanswered items.
    function expireAllAndCheckEvents(bool[] memory isAnswered) internal {
        vm.warp(block.timestamp + TTL);
        uint256 n = isAnswered.length;
        Outcome[] memory expected = new Outcome[](n);
        for (uint256 i = 0; i < n; i++) {
            expected[i] =
                isAnswered[i]
                    ? skipped(i, IRoamingExchange.SkipReason.AlreadyAnswered)
                    : outcome(i, IRoamingExchange.RequestExpired.selector);
        }
        LOGS.recordLogs();
        vm.prank(op1);
        exchange.expire(ids(0, n));
        assertOneEventPerItem(expected, IRoamingExchange.BatchKind.Expiries, "expiries");
    }

    /// @dev Activations of the answered items, then the same batch again: recorded once, then skipped as closed.
    function activateTwiceAndCheckEvents(bool[] memory isAnswered) internal {
        uint256 m;
        for (uint256 i = 0; i < isAnswered.length; i++) {
            if (isAnswered[i]) m++;
        }
        if (m == 0) return;
        IRoamingExchange.Activation[] memory act = new IRoamingExchange.Activation[](m);
        Outcome[] memory recorded = new Outcome[](m);
        Outcome[] memory again = new Outcome[](m);
        uint256 j;
        for (uint256 i = 0; i < isAnswered.length; i++) {
            if (!isAnswered[i]) continue;
            act[j] = IRoamingExchange.Activation({requestId: rid(i), activated: i % 2 == 0, servicesDigest: 0});
            recorded[j] = outcome(i, IRoamingExchange.ActivationRecorded.selector);
            again[j++] = skipped(i, IRoamingExchange.SkipReason.AlreadyClosed);
        }
        LOGS.recordLogs();
        vm.prank(op1);
        exchange.recordActivations(act);
        assertOneEventPerItem(recorded, IRoamingExchange.BatchKind.Activations, "activations");
        LOGS.recordLogs();
        vm.prank(op1);
        exchange.recordActivations(act);
        assertOneEventPerItem(again, IRoamingExchange.BatchKind.Activations, "repeated activations");
    }

    function test_gas_perAuthenticationStaysWithinBudget() public {
        uint256 n = 100;
        IRoamingExchange.Request[] memory r = requests(0, n);
        IRoamingExchange.Answer[] memory a = answers(0, n);
        IRoamingExchange.Activation[] memory act = activations(0, n, true);
        vm.prank(op1);
        uint256 before = gasleft();
        exchange.submitRequests(op0, r);
        uint256 requestGas = (before - gasleft()) / n;
        vm.prank(op0);
        before = gasleft();
        exchange.submitAnswers(a);
        uint256 answerGas = (before - gasleft()) / n;
        vm.prank(op1);
        before = gasleft();
        exchange.recordActivations(act);
        uint256 activationGas = (before - gasleft()) / n;
        // Execution gas with 280-byte ciphertexts, without the transaction's calldata and intrinsic cost: one fresh
        // slot per request, one slot update per later step (full transaction gas: contracts/gas-snapshot.json).
        assertTrue(requestGas < 35_000, "request execution gas per item");
        assertTrue(answerGas < 9_000, "answer execution gas per item");
        assertTrue(activationGas < 5_000, "activation execution gas per item");
    }
}
