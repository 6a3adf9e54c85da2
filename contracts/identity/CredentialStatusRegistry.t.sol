// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Credential status rules: only the issuer's current DID owner changes a status, revocation is final, suspension is a
// hold, every change is kept in the history, and reserved reason codes are refused.
import {TestBase} from "../testing/TestBase.sol";
import {CredentialStatusRegistry} from "./CredentialStatusRegistry.sol";
import {EthereumDIDRegistry} from "./EthereumDIDRegistry.sol";
import {ICredentialStatusRegistry} from "./ICredentialStatusRegistry.sol";
import {IEthereumDIDRegistry} from "./IEthereumDIDRegistry.sol";

contract CredentialStatusRegistryTest is TestBase {
    ICredentialStatusRegistry.Status internal constant ACTIVE = ICredentialStatusRegistry.Status.Active;
    ICredentialStatusRegistry.Status internal constant SUSPENDED = ICredentialStatusRegistry.Status.Suspended;
    ICredentialStatusRegistry.Status internal constant REVOKED = ICredentialStatusRegistry.Status.Revoked;
    uint16 internal constant KEY_COMPROMISE = 1;
    uint16 internal constant FRAUD = 4;
    uint16 internal constant VETTING_WITHDRAWN = 8;

    EthereumDIDRegistry internal dids;
    CredentialStatusRegistry internal status;
    address internal issuer = address(0x155E);
    address internal rotatedKey = address(0x2E7);
    address internal stranger = address(0x5742);
    bytes32 internal credential = keccak256("urn:uuid:tn-authorization-1");

    function setUp() public {
        dids = new EthereumDIDRegistry();
        status = new CredentialStatusRegistry(dids);
        vm.warp(1_700_000_000);
        vm.roll(50);
    }

    function assertStatus(ICredentialStatusRegistry.Status expected, uint16 reason, uint64 since) internal view {
        (ICredentialStatusRegistry.Status s, uint16 r, uint64 t) = status.statusOf(issuer, credential);
        assertEq(uint256(s), uint256(expected), "status");
        assertEq(r, reason, "reason");
        assertEq(t, since, "since");
    }

    function test_constructor_rejectsZeroDidRegistryAndReportsVersion() public {
        vm.expectRevert(abi.encodeWithSelector(ICredentialStatusRegistry.ZeroDidRegistry.selector));
        new CredentialStatusRegistry(IEthereumDIDRegistry(address(0)));
        assertEq(status.didRegistry(), address(dids), "registry");
        assertEq(status.version(), "1.0.0", "version");
    }

    function test_anUntouchedCredentialIsActive() public view {
        assertStatus(ACTIVE, 0, 0);
        assertEq(status.historyOf(issuer, credential).length, 0, "no history");
    }

    function test_revoke_byTheIssuerIsFinal() public {
        vm.expectEmit(true, true, true, true);
        emit ICredentialStatusRegistry.CredentialStatusChanged(
            issuer,
            credential,
            REVOKED,
            KEY_COMPROMISE,
            1_700_000_000
        );
        vm.prank(issuer);
        status.revoke(issuer, credential, KEY_COMPROMISE);
        assertStatus(REVOKED, KEY_COMPROMISE, 1_700_000_000);
        vm.startPrank(issuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialStatusRegistry.InvalidStatusTransition.selector,
                issuer,
                credential,
                REVOKED,
                REVOKED
            )
        );
        status.revoke(issuer, credential, FRAUD);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialStatusRegistry.InvalidStatusTransition.selector,
                issuer,
                credential,
                REVOKED,
                SUSPENDED
            )
        );
        status.suspend(issuer, credential, FRAUD);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialStatusRegistry.InvalidStatusTransition.selector,
                issuer,
                credential,
                REVOKED,
                ACTIVE
            )
        );
        status.reinstate(issuer, credential, 0);
        vm.stopPrank();
    }

    function test_onlyTheIssuersOwnerChangesStatus() public {
        bytes memory err = abi.encodeWithSelector(
            ICredentialStatusRegistry.NotIssuerOwner.selector,
            issuer,
            stranger,
            issuer
        );
        vm.startPrank(stranger);
        vm.expectRevert(err);
        status.revoke(issuer, credential, 0);
        vm.expectRevert(err);
        status.suspend(issuer, credential, 0);
        vm.expectRevert(err);
        status.reinstate(issuer, credential, 0);
        vm.stopPrank();
        assertStatus(ACTIVE, 0, 0);
    }

    function test_suspendAndReinstate_onlyFromTheRightStatus() public {
        vm.startPrank(issuer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialStatusRegistry.InvalidStatusTransition.selector,
                issuer,
                credential,
                ACTIVE,
                ACTIVE
            )
        );
        status.reinstate(issuer, credential, 0);
        status.suspend(issuer, credential, VETTING_WITHDRAWN);
        assertStatus(SUSPENDED, VETTING_WITHDRAWN, 1_700_000_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialStatusRegistry.InvalidStatusTransition.selector,
                issuer,
                credential,
                SUSPENDED,
                SUSPENDED
            )
        );
        status.suspend(issuer, credential, 0);
        vm.warp(1_700_000_100);
        status.reinstate(issuer, credential, 0);
        assertStatus(ACTIVE, 0, 1_700_000_100);
        status.suspend(issuer, credential, FRAUD);
        status.revoke(issuer, credential, FRAUD);
        vm.stopPrank();
        assertStatus(REVOKED, FRAUD, 1_700_000_100);
    }

    function test_historyOf_keepsEveryChangeWithTimeAndBlock() public {
        vm.startPrank(issuer);
        status.suspend(issuer, credential, 1000);
        vm.warp(1_700_000_500);
        vm.roll(60);
        status.reinstate(issuer, credential, 0);
        vm.warp(1_700_000_900);
        vm.roll(70);
        status.revoke(issuer, credential, 2);
        vm.stopPrank();
        ICredentialStatusRegistry.StatusChange[] memory h = status.historyOf(issuer, credential);
        assertEq(h.length, 3, "three changes");
        assertEq(uint256(h[0].status), uint256(SUSPENDED), "first");
        assertEq(h[0].reason, 1000, "domain-specific reason kept");
        assertEq(h[0].at, 1_700_000_000, "first at");
        assertEq(h[0].blockNumber, 50, "first block");
        assertEq(uint256(h[1].status), uint256(ACTIVE), "second");
        assertEq(h[1].blockNumber, 60, "second block");
        assertEq(uint256(h[2].status), uint256(REVOKED), "third");
        assertEq(h[2].reason, 2, "superseded");
        assertEq(h[2].at, 1_700_000_900, "third at");
    }

    function test_rotatingTheIssuersDidOwnerMovesTheRightToChangeStatus() public {
        vm.prank(issuer);
        dids.changeOwner(issuer, rotatedKey);
        vm.prank(issuer);
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialStatusRegistry.NotIssuerOwner.selector, issuer, issuer, rotatedKey)
        );
        status.suspend(issuer, credential, KEY_COMPROMISE);
        vm.prank(rotatedKey);
        status.suspend(issuer, credential, KEY_COMPROMISE);
        assertStatus(SUSPENDED, KEY_COMPROMISE, 1_700_000_000);
    }

    function test_credentialsAreKeyedByIssuerAndId() public {
        vm.prank(issuer);
        status.revoke(issuer, credential, 0);
        (ICredentialStatusRegistry.Status s, , ) = status.statusOf(stranger, credential);
        assertEq(uint256(s), uint256(ACTIVE), "same id, other issuer untouched");
        (s, , ) = status.statusOf(issuer, keccak256("other"));
        assertEq(uint256(s), uint256(ACTIVE), "other id untouched");
    }

    function test_reasonCodes_9To999AreReserved() public {
        bytes32[4] memory ids = [bytes32("a"), "b", "c", "d"];
        vm.startPrank(issuer);
        status.revoke(issuer, ids[0], 8);
        vm.expectRevert(abi.encodeWithSelector(ICredentialStatusRegistry.ReservedReason.selector, 9));
        status.revoke(issuer, ids[1], 9);
        vm.expectRevert(abi.encodeWithSelector(ICredentialStatusRegistry.ReservedReason.selector, 999));
        status.revoke(issuer, ids[2], 999);
        status.revoke(issuer, ids[3], 1000);
        vm.stopPrank();
        assertEq(status.historyOf(issuer, ids[1]).length, 0, "a refused change leaves no trace");
    }

    function testFuzz_reasonIsAcceptedUnlessReserved(uint16 reason) public {
        bool reserved = reason >= 9 && reason <= 999;
        if (reserved) {
            vm.expectRevert(abi.encodeWithSelector(ICredentialStatusRegistry.ReservedReason.selector, reason));
        }
        vm.prank(issuer);
        status.suspend(issuer, credential, reason);
        (ICredentialStatusRegistry.Status s, , ) = status.statusOf(issuer, credential);
        assertEq(uint256(s), uint256(reserved ? ACTIVE : SUSPENDED), "status follows acceptance");
    }
}
