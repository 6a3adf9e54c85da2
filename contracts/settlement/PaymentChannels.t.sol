// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IPaymentChannels} from "./IPaymentChannels.sol";
import {PaymentChannels} from "./PaymentChannels.sol";
import {SettlementToken} from "./SettlementToken.sol";

contract PaymentChannelsTest is TestBase {
    ConsortiumRegistry internal consortium;
    SettlementToken internal eur;
    PaymentChannels internal channels;

    uint256 internal constant KEY_A = 0xA11CE;
    uint256 internal constant KEY_B = 0xB0B;
    uint256 internal constant KEY_C = 0xC4A;
    address internal bank = address(0xBA);
    address internal a;
    address internal b;
    address internal c;
    uint32 internal constant PERIOD = 1 hours;

    function setUp() public {
        a = vm.addr(KEY_A);
        b = vm.addr(KEY_B);
        c = vm.addr(KEY_C);
        address[] memory founders = new address[](4);
        founders[0] = bank;
        founders[1] = a;
        founders[2] = b;
        founders[3] = c;
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = i == 0 ? Roles.SETTLEMENT_BANK : Roles.MOBILE_OPERATOR;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        eur = new SettlementToken(consortium, "EUR", 2);
        channels = new PaymentChannels(consortium);
        vm.startPrank(bank);
        eur.mintOnFiatReceipt(a, 10_000, "r-a");
        eur.mintOnFiatReceipt(b, 10_000, "r-b");
        vm.stopPrank();
        vm.prank(a);
        eur.approve(address(channels), type(uint256).max);
        vm.prank(b);
        eur.approve(address(channels), type(uint256).max);
        vm.warp(1_760_000_000);
    }

    /// A channel a opened with b, a depositing 1000 and b 500.
    function _open() internal returns (bytes32 id) {
        vm.prank(a);
        id = channels.openChannel(b, address(eur), "salt-1", PERIOD);
        vm.prank(a);
        channels.deposit(id, 1000);
        vm.prank(b);
        channels.deposit(id, 500);
    }

    function _state(
        bytes32 id,
        uint64 version,
        uint256 balanceA,
        uint256 balanceB,
        bool isFinal
    ) internal pure returns (IPaymentChannels.State memory) {
        return IPaymentChannels.State(id, version, balanceA, balanceB, 1000, 500, isFinal, bytes32(0));
    }

    function _sig(uint256 key, IPaymentChannels.State memory s) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(key, channels.stateDigest(s));
        return abi.encodePacked(r, sv, v);
    }

    function test_version_isReported() public view {
        assertEq(channels.version(), "2.1.0", "version");
    }

    function test_open_idDerivesFromMembersTokenAndSalt() public {
        bytes32 expected = channels.channelIdOf(a, b, address(eur), "salt-1");
        bytes32 id = _open();
        assertEq(id, expected, "channel id");
        IPaymentChannels.Channel memory ch = channels.channel(id);
        assertEq(ch.memberA, a, "memberA");
        assertEq(ch.depositA, 1000, "depositA");
        assertEq(ch.depositB, 500, "depositB");
        assertEq(eur.balanceOf(address(channels)), 1500, "held");
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.ChannelExists.selector, id));
        channels.openChannel(b, address(eur), "salt-1", PERIOD);
    }

    function test_open_refusesNonOperatorAndBadPeriod() public {
        vm.prank(bank);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.NotAnOperator.selector, bank));
        channels.openChannel(b, address(eur), "s", PERIOD);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.NotAnOperator.selector, bank));
        channels.openChannel(bank, address(eur), "s", PERIOD);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.InvalidArgument.selector, "challengePeriod"));
        channels.openChannel(b, address(eur), "s", 59);
    }

    function test_cooperativeClose_paysAtOnce() public {
        bytes32 id = _open();
        IPaymentChannels.State memory s = _state(id, 7, 700, 800, true);
        bytes memory sa = _sig(KEY_A, s);
        bytes memory sb = _sig(KEY_B, s);
        vm.prank(b);
        channels.closeCooperatively(s, sa, sb);
        assertEq(eur.balanceOf(a), 9_700, "a paid");
        assertEq(eur.balanceOf(b), 10_300, "b paid");
        assertEq(eur.balanceOf(address(channels)), 0, "nothing left");
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.WrongStatus.selector, id, IPaymentChannels.ChannelStatus.Closed)
        );
        channels.closeCooperatively(s, sa, sb);
    }

    function test_cooperativeClose_refusesANonFinalState() public {
        bytes32 id = _open();
        IPaymentChannels.State memory s = _state(id, 7, 700, 800, false);
        bytes memory sa = _sig(KEY_A, s);
        bytes memory sb = _sig(KEY_B, s);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.NotFinal.selector, id, uint64(7)));
        channels.closeCooperatively(s, sa, sb);
    }

    function test_staleClose_isBeatenByAChallenge() public {
        bytes32 id = _open();
        IPaymentChannels.State memory stale = _state(id, 3, 1200, 300, false);
        IPaymentChannels.State memory newest = _state(id, 9, 600, 900, false);
        bytes memory staleA = _sig(KEY_A, stale);
        bytes memory staleB = _sig(KEY_B, stale);
        vm.prank(a);
        channels.startClose(stale, staleA, staleB);
        assertEq(channels.channel(id).closesAt, uint64(block.timestamp) + PERIOD, "closesAt");
        vm.warp(block.timestamp + PERIOD - 1);
        bytes memory newA = _sig(KEY_A, newest);
        bytes memory newB = _sig(KEY_B, newest);
        vm.prank(b);
        channels.challenge(newest, newA, newB);
        // the stale state cannot come back
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.StaleVersion.selector, id, uint64(3), uint64(9)));
        channels.challenge(stale, staleA, staleB);
        vm.prank(a);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentChannels.ChallengePeriod.selector,
                id,
                uint64(block.timestamp + 1),
                uint64(block.timestamp)
            )
        );
        channels.settle(id);
        vm.warp(block.timestamp + 1);
        vm.prank(a);
        channels.settle(id);
        assertEq(eur.balanceOf(a), 9_600, "a gets the newest state");
        assertEq(eur.balanceOf(b), 10_400, "b gets the newest state");
        vm.prank(b);
        vm.expectRevert(
            abi.encodeWithSelector(IPaymentChannels.WrongStatus.selector, id, IPaymentChannels.ChannelStatus.Closed)
        );
        channels.settle(id);
    }

    function test_challenge_refusedAfterThePeriod() public {
        bytes32 id = _open();
        IPaymentChannels.State memory stale = _state(id, 3, 1200, 300, false);
        IPaymentChannels.State memory newest = _state(id, 9, 600, 900, false);
        bytes memory sa0 = _sig(KEY_A, stale);
        bytes memory sb0 = _sig(KEY_B, stale);
        vm.prank(a);
        channels.startClose(stale, sa0, sb0);
        vm.warp(block.timestamp + PERIOD);
        bytes memory na = _sig(KEY_A, newest);
        bytes memory nb = _sig(KEY_B, newest);
        vm.prank(b);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPaymentChannels.ChallengePeriod.selector,
                id,
                uint64(block.timestamp),
                uint64(block.timestamp)
            )
        );
        channels.challenge(newest, na, nb);
    }

    function test_badSignatures_areRefused() public {
        bytes32 id = _open();
        IPaymentChannels.State memory s = _state(id, 2, 700, 800, false);
        bytes memory byC = _sig(KEY_C, s);
        bytes memory byB = _sig(KEY_B, s);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, id, a, c));
        channels.startClose(s, byC, byB);
        // a signature over another state recovers another signer
        IPaymentChannels.State memory other = _state(id, 2, 800, 700, false);
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(KEY_A, channels.stateDigest(other));
        bytes memory aOnOther = abi.encodePacked(r, sv, v);
        address wrong = ecrecover(channels.stateDigest(s), v, r, sv);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, id, a, wrong));
        channels.startClose(s, aOnOther, byB);
        // swapped signatures
        bytes memory byA = _sig(KEY_A, s);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, id, a, b));
        channels.startClose(s, byB, byA);
    }

    /// Four states of one exchange: versions 2..5, a paying b 10 more each time.
    function _exchange(bytes32 id) internal pure returns (IPaymentChannels.State[4] memory states) {
        for (uint256 i = 0; i < 4; i++) {
            states[i] = _state(id, uint64(2 + i), 990 - 10 * i, 510 + 10 * i, false);
        }
    }

    /// The sorted-pair Merkle tree over four leaves: root, and the proof of leaf `i` (its sibling, then the other pair).
    function _tree(bytes32[4] memory leaves, uint256 i) internal pure returns (bytes32 root, bytes32[] memory proof) {
        bytes32 left = Hashes.commutativeKeccak256(leaves[0], leaves[1]);
        bytes32 right = Hashes.commutativeKeccak256(leaves[2], leaves[3]);
        root = Hashes.commutativeKeccak256(left, right);
        proof = new bytes32[](2);
        proof[0] = leaves[i ^ 1];
        proof[1] = i < 2 ? right : left;
    }

    /// `key`'s one signature of the exchange's root, with the proof of state `i` appended.
    function _batchSig(
        uint256 key,
        bytes32 id,
        IPaymentChannels.State[4] memory states,
        uint256 i
    ) internal view returns (bytes memory) {
        bytes32[4] memory leaves;
        for (uint256 k = 0; k < 4; k++) leaves[k] = channels.stateDigest(states[k]);
        (bytes32 root, bytes32[] memory proof) = _tree(leaves, i);
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(key, channels.batchDigest(id, root));
        return abi.encodePacked(r, sv, v, proof[0], proof[1]);
    }

    function test_batchSignature_provesEveryStateOfTheExchange() public {
        bytes32 id = _open();
        IPaymentChannels.State[4] memory states = _exchange(id);
        for (uint256 i = 0; i < 4; i++) {
            (address memberA, address memberB, ) = channels.checkState(
                states[i],
                _batchSig(KEY_A, id, states, i),
                _batchSig(KEY_B, id, states, i)
            );
            assertEq(memberA, a, "memberA");
            assertEq(memberB, b, "memberB");
        }
        // a batch-signed state and a singly signed one mix: each member's signature is checked on its own
        channels.checkState(states[3], _batchSig(KEY_A, id, states, 3), _sig(KEY_B, states[3]));
        // and close the channel like any co-signed state
        bytes memory sigA = _batchSig(KEY_A, id, states, 3);
        bytes memory sigB = _batchSig(KEY_B, id, states, 3);
        vm.prank(b);
        channels.startClose(states[3], sigA, sigB);
        assertEq(channels.channel(id).version, 5, "registered version");
    }

    /// checkState must revert BadSignature (the recovered signer, whatever it is, is not the member's).
    function _expectBadSignature(IPaymentChannels.State memory s, bytes memory sigA, bytes memory sigB) internal view {
        try channels.checkState(s, sigA, sigB) {
            assertTrue(false, "checkState accepted the state");
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), IPaymentChannels.BadSignature.selector, "BadSignature");
        }
    }

    function test_batchSignature_refusesAStateOutsideTheBatchAndBadProofs() public {
        bytes32 id = _open();
        IPaymentChannels.State[4] memory states = _exchange(id);
        bytes memory sigB = _batchSig(KEY_B, id, states, 1);
        // another state with state 1's proof: the root differs, so the recovered signer is someone else
        IPaymentChannels.State memory outside = _state(id, 3, 900, 600, false);
        bytes memory aOnOutside = _batchSig(KEY_A, id, states, 1);
        _expectBadSignature(outside, aOnOutside, sigB);
        // state 2 with state 1's proof
        _expectBadSignature(states[2], _batchSig(KEY_A, id, states, 1), _batchSig(KEY_B, id, states, 1));
        // a proof that is not whole 32-byte words
        bytes memory ragged = abi.encodePacked(_batchSig(KEY_A, id, states, 1), bytes1(0x01));
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, id, a, address(0)));
        channels.checkState(states[1], ragged, sigB);
        // a proof longer than MAX_PROOF
        bytes memory tooLong = _batchSig(KEY_A, id, states, 1);
        for (uint256 k = 0; k < 15; k++) tooLong = abi.encodePacked(tooLong, bytes32(k));
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, id, a, address(0)));
        channels.checkState(states[1], tooLong, sigB);
        // a single-state signature is not a batch one: the batch digest is another EIP-712 type
        bytes32 leaf = channels.stateDigest(states[1]);
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(KEY_A, leaf);
        bytes memory leafAsRoot = abi.encodePacked(r, sv, v, bytes32(0));
        _expectBadSignature(states[1], leafAsRoot, sigB);
    }

    function test_wrongCaller_isRefused() public {
        bytes32 id = _open();
        IPaymentChannels.State memory s = _state(id, 2, 700, 800, true);
        bytes memory sa = _sig(KEY_A, s);
        bytes memory sb = _sig(KEY_B, s);
        vm.prank(c);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.NotChannelMember.selector, id, c));
        channels.closeCooperatively(s, sa, sb);
        vm.prank(c);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.NotChannelMember.selector, id, c));
        channels.deposit(id, 1);
        vm.prank(c);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.NotChannelMember.selector, id, c));
        channels.startClose(s, sa, sb);
    }

    function test_sumMismatch_isRefused() public {
        bytes32 id = _open();
        IPaymentChannels.State memory s = _state(id, 2, 700, 801, false);
        bytes memory sa = _sig(KEY_A, s);
        bytes memory sb = _sig(KEY_B, s);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.SumMismatch.selector, id, 1501, 1500));
        channels.startClose(s, sa, sb);
        // a state accounting for more than was deposited
        IPaymentChannels.State memory over = IPaymentChannels.State(id, 2, 1500, 500, 1500, 500, false, bytes32(0));
        bytes memory oa = _sig(KEY_A, over);
        bytes memory ob = _sig(KEY_B, over);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.SumMismatch.selector, id, 2000, 1500));
        channels.startClose(over, oa, ob);
    }

    function test_laterDeposit_isPaidBackOnTopOfTheState() public {
        bytes32 id = _open();
        IPaymentChannels.State memory s = _state(id, 4, 900, 600, false);
        bytes memory sa = _sig(KEY_A, s);
        bytes memory sb = _sig(KEY_B, s);
        vm.prank(b);
        channels.deposit(id, 250);
        vm.prank(b);
        channels.startClose(s, sa, sb);
        vm.warp(block.timestamp + PERIOD);
        vm.prank(b);
        channels.settle(id);
        assertEq(eur.balanceOf(a), 9_900, "a");
        assertEq(eur.balanceOf(b), 10_100, "b: 600 + its later 250");
    }

    function test_unsignedClose_returnsTheDeposits() public {
        bytes32 id = _open();
        IPaymentChannels.State memory zero = _state(id, 0, 1000, 500, false);
        vm.prank(b);
        channels.startClose(zero, "", "");
        vm.warp(block.timestamp + PERIOD);
        vm.prank(a);
        channels.settle(id);
        assertEq(eur.balanceOf(a), 10_000, "a");
        assertEq(eur.balanceOf(b), 10_000, "b");
    }

    function test_resume_reopensFromTheLatestStateAndRefusesOlderOnes() public {
        bytes32 id = _open();
        IPaymentChannels.State memory stale = _state(id, 3, 1200, 300, false);
        IPaymentChannels.State memory newest = _state(id, 9, 600, 900, false);
        bytes memory sa0 = _sig(KEY_A, stale);
        bytes memory sb0 = _sig(KEY_B, stale);
        vm.prank(a);
        channels.startClose(stale, sa0, sb0);
        bytes memory na = _sig(KEY_A, newest);
        bytes memory nb = _sig(KEY_B, newest);
        vm.prank(b);
        channels.challenge(newest, na, nb);
        vm.prank(a);
        channels.resume(id);
        assertTrue(channels.channel(id).status == IPaymentChannels.ChannelStatus.Closing, "one side is not enough");
        vm.prank(b);
        channels.resume(id);
        IPaymentChannels.Channel memory ch = channels.channel(id);
        assertTrue(ch.status == IPaymentChannels.ChannelStatus.Open, "open again");
        assertEq(uint256(ch.version), 9, "base version");
        // the dispute's loser cannot close with its stale state again
        bytes memory sa = _sig(KEY_A, stale);
        bytes memory sb = _sig(KEY_B, stale);
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.StaleVersion.selector, id, uint64(3), uint64(9)));
        channels.startClose(stale, sa, sb);
        // updates continue from version 9
        vm.prank(a);
        channels.deposit(id, 100);
        IPaymentChannels.State memory next = IPaymentChannels.State(id, 10, 500, 1100, 1100, 500, true, bytes32(0));
        bytes memory xa = _sig(KEY_A, next);
        bytes memory xb = _sig(KEY_B, next);
        vm.prank(b);
        channels.closeCooperatively(next, xa, xb);
        assertEq(eur.balanceOf(a), 8_900 + 500, "a");
        assertEq(eur.balanceOf(b), 9_500 + 1100, "b");
    }
}
