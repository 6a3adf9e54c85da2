// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// ERC-1056 behaviour: ownership, delegates, attributes, the previousChange chain and the signed variants, with the
// signed messages built here from the specification's layout rather than from the contract.
import {TestBase} from "../testing/TestBase.sol";
import {EthereumDIDRegistry} from "./EthereumDIDRegistry.sol";
import {IEthereumDIDRegistry} from "./IEthereumDIDRegistry.sol";

contract EthereumDIDRegistryTest is TestBase {
    uint256 internal constant IDENTITY_KEY = 0x1D;
    uint256 internal constant NEW_OWNER_KEY = 0x2D;
    bytes32 internal constant VERI_KEY = "veriKey";
    bytes32 internal constant SERVICE = "did/svc/MessagingService";

    EthereumDIDRegistry internal registry;
    address internal identity;
    address internal newOwner;
    address internal delegate = address(0xDE1E);
    address internal relayer = address(0x4E1A);

    function setUp() public {
        registry = new EthereumDIDRegistry();
        identity = vm.addr(IDENTITY_KEY);
        newOwner = vm.addr(NEW_OWNER_KEY);
        vm.roll(100);
        vm.warp(1_700_000_000);
    }

    function signSpec(
        uint256 key,
        address owner,
        bytes memory call
    ) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 hash = keccak256(
            abi.encodePacked(bytes1(0x19), bytes1(0x00), address(registry), registry.nonce(owner), identity, call)
        );
        return vm.sign(key, hash);
    }

    /// @dev Who a stale or mismatched signature recovers to under the registry's current nonce: the signer the
    /// contract will name in BadSignature.
    function recovered(
        address owner,
        bytes memory call,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) internal view returns (address) {
        bytes32 hash = keccak256(
            abi.encodePacked(bytes1(0x19), bytes1(0x00), address(registry), registry.nonce(owner), identity, call)
        );
        return ecrecover(hash, v, r, s);
    }

    function test_version() public view {
        assertEq(registry.version(), "1.0.0", "version");
    }

    function test_identityOwnsItselfUntilChanged() public view {
        assertEq(registry.identityOwner(identity), identity, "self-owned");
        assertEq(registry.owners(identity), address(0), "nothing stored");
        assertEq(registry.changed(identity), 0, "never changed");
    }

    function test_changeOwner_byTheOwnerRecordsTheBlockAndChainsPreviousChange() public {
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDOwnerChanged(identity, newOwner, 0);
        vm.prank(identity);
        registry.changeOwner(identity, newOwner);
        assertEq(registry.identityOwner(identity), newOwner, "new owner");
        assertEq(registry.changed(identity), 100, "changed block");
        vm.roll(105);
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDOwnerChanged(identity, relayer, 100);
        vm.prank(newOwner);
        registry.changeOwner(identity, relayer);
        assertEq(registry.changed(identity), 105, "second change block");
    }

    function test_changeOwner_rejectsAnyoneButTheCurrentOwner() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.NotIdentityOwner.selector, identity, relayer));
        registry.changeOwner(identity, relayer);
        vm.prank(identity);
        registry.changeOwner(identity, newOwner);
        vm.prank(identity);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.NotIdentityOwner.selector, identity, identity));
        registry.changeOwner(identity, identity);
    }

    function test_addDelegate_isValidUntilItsValidityEnds() public {
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDDelegateChanged(identity, VERI_KEY, delegate, block.timestamp + 3600, 0);
        vm.prank(identity);
        registry.addDelegate(identity, VERI_KEY, delegate, 3600);
        assertTrue(registry.validDelegate(identity, VERI_KEY, delegate), "valid");
        assertFalse(registry.validDelegate(identity, "sigAuth", delegate), "only for its type");
        assertEq(
            registry.delegates(identity, keccak256(abi.encode(VERI_KEY)), delegate),
            block.timestamp + 3600,
            "stored under keccak256(abi.encode(type))"
        );
        assertEq(registry.changed(identity), 100, "changed");
        vm.warp(block.timestamp + 3600);
        assertFalse(registry.validDelegate(identity, VERI_KEY, delegate), "expired");
    }

    function test_revokeDelegate_endsItNow() public {
        vm.startPrank(identity);
        registry.addDelegate(identity, VERI_KEY, delegate, 3600);
        vm.roll(101);
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDDelegateChanged(identity, VERI_KEY, delegate, block.timestamp, 100);
        registry.revokeDelegate(identity, VERI_KEY, delegate);
        vm.stopPrank();
        assertFalse(registry.validDelegate(identity, VERI_KEY, delegate), "revoked");
    }

    function test_delegateAndAttributeChanges_rejectNonOwners() public {
        vm.startPrank(relayer);
        bytes memory err = abi.encodeWithSelector(IEthereumDIDRegistry.NotIdentityOwner.selector, identity, relayer);
        vm.expectRevert(err);
        registry.addDelegate(identity, VERI_KEY, delegate, 1);
        vm.expectRevert(err);
        registry.revokeDelegate(identity, VERI_KEY, delegate);
        vm.expectRevert(err);
        registry.setAttribute(identity, SERVICE, "https://x", 1);
        vm.expectRevert(err);
        registry.revokeAttribute(identity, SERVICE, "https://x");
        vm.stopPrank();
    }

    function test_setAttribute_andRevokeAttribute_emitTheValueAndChain() public {
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDAttributeChanged(
            identity,
            SERVICE,
            "https://agent.example",
            block.timestamp + 86400,
            0
        );
        vm.prank(identity);
        registry.setAttribute(identity, SERVICE, "https://agent.example", 86400);
        vm.roll(120);
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDAttributeChanged(identity, SERVICE, "https://agent.example", 0, 100);
        vm.prank(identity);
        registry.revokeAttribute(identity, SERVICE, "https://agent.example");
        assertEq(registry.changed(identity), 120, "changed");
    }

    function test_changeOwnerSigned_acceptsTheOwnersSignatureFromARelayerOnce() public {
        (uint8 v, bytes32 r, bytes32 s) = signSpec(IDENTITY_KEY, identity, abi.encodePacked("changeOwner", newOwner));
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDOwnerChanged(identity, newOwner, 0);
        vm.prank(relayer);
        registry.changeOwnerSigned(identity, v, r, s, newOwner);
        assertEq(registry.identityOwner(identity), newOwner, "changed by signature");
        assertEq(registry.nonce(identity), 1, "signer's nonce advanced");
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.BadSignature.selector, identity, identity));
        registry.changeOwnerSigned(identity, v, r, s, newOwner);
    }

    function test_signedChanges_rejectSignaturesOfAnyoneButTheCurrentOwner() public {
        bytes memory call = abi.encodePacked("changeOwner", relayer);
        (uint8 v, bytes32 r, bytes32 s) = signSpec(NEW_OWNER_KEY, identity, call);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.BadSignature.selector, identity, newOwner));
        registry.changeOwnerSigned(identity, v, r, s, relayer);
        vm.prank(identity);
        registry.changeOwner(identity, newOwner);
        // The former owner's key no longer signs for the identity.
        (v, r, s) = signSpec(IDENTITY_KEY, newOwner, call);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.BadSignature.selector, identity, identity));
        registry.changeOwnerSigned(identity, v, r, s, relayer);
        (v, r, s) = signSpec(NEW_OWNER_KEY, newOwner, call);
        registry.changeOwnerSigned(identity, v, r, s, relayer);
        assertEq(registry.identityOwner(identity), relayer, "new owner signs");
        assertEq(registry.nonce(newOwner), 1, "nonce of the signing owner");
    }

    function test_signedChanges_rejectMalformedSignature() public {
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.BadSignature.selector, identity, address(0)));
        registry.changeOwnerSigned(identity, 27, bytes32(0), bytes32(0), relayer);
    }

    function test_addDelegateSigned_andRevokeDelegateSigned() public {
        (uint8 v, bytes32 r, bytes32 s) = signSpec(
            IDENTITY_KEY,
            identity,
            abi.encodePacked("addDelegate", VERI_KEY, delegate, uint256(600))
        );
        vm.prank(relayer);
        registry.addDelegateSigned(identity, v, r, s, VERI_KEY, delegate, 600);
        assertTrue(registry.validDelegate(identity, VERI_KEY, delegate), "added by signature");
        (v, r, s) = signSpec(IDENTITY_KEY, identity, abi.encodePacked("revokeDelegate", VERI_KEY, delegate));
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDDelegateChanged(identity, VERI_KEY, delegate, block.timestamp, 100);
        vm.prank(relayer);
        registry.revokeDelegateSigned(identity, v, r, s, VERI_KEY, delegate);
        assertFalse(registry.validDelegate(identity, VERI_KEY, delegate), "revoked by signature");
        assertEq(registry.nonce(identity), 2, "two signed changes");
        // Replaying the revocation's signature fails: the nonce moved on.
        vm.prank(identity);
        registry.addDelegate(identity, VERI_KEY, delegate, 600);
        address stale = recovered(identity, abi.encodePacked("revokeDelegate", VERI_KEY, delegate), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.BadSignature.selector, identity, stale));
        registry.revokeDelegateSigned(identity, v, r, s, VERI_KEY, delegate);
    }

    function test_setAttributeSigned_andRevokeAttributeSigned() public {
        bytes memory value = hex"04deadbeef";
        (uint8 v, bytes32 r, bytes32 s) = signSpec(
            IDENTITY_KEY,
            identity,
            abi.encodePacked("setAttribute", SERVICE, value, uint256(3600))
        );
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDAttributeChanged(identity, SERVICE, value, block.timestamp + 3600, 0);
        vm.prank(relayer);
        registry.setAttributeSigned(identity, v, r, s, SERVICE, value, 3600);
        // A signature over a different value does not authorise this one.
        (v, r, s) = signSpec(IDENTITY_KEY, identity, abi.encodePacked("revokeAttribute", SERVICE, hex"00"));
        address wrong = recovered(identity, abi.encodePacked("revokeAttribute", SERVICE, value), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.BadSignature.selector, identity, wrong));
        registry.revokeAttributeSigned(identity, v, r, s, SERVICE, value);
        (v, r, s) = signSpec(IDENTITY_KEY, identity, abi.encodePacked("revokeAttribute", SERVICE, value));
        vm.expectEmit(true, true, true, true);
        emit IEthereumDIDRegistry.DIDAttributeChanged(identity, SERVICE, value, 0, 100);
        vm.prank(relayer);
        registry.revokeAttributeSigned(identity, v, r, s, SERVICE, value);
    }

    function test_anIdentityOwnerControlsOnlyThatIdentity() public {
        address other = address(0x07E4);
        vm.prank(identity);
        vm.expectRevert(abi.encodeWithSelector(IEthereumDIDRegistry.NotIdentityOwner.selector, other, identity));
        registry.setAttribute(other, SERVICE, "x", 1);
    }
}
