// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// ERC-1056 registry written from the specification; the layout of signed messages and of events is the one did:ethr
// resolvers and controllers already use, so the stock ethr-did-resolver works against this chain unchanged.
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IEthereumDIDRegistry} from "./IEthereumDIDRegistry.sol";

contract EthereumDIDRegistry is IEthereumDIDRegistry {
    /// @inheritdoc IEthereumDIDRegistry
    mapping(address identity => address owner) public owners;
    /// @inheritdoc IEthereumDIDRegistry
    mapping(address identity => mapping(bytes32 delegateTypeHash => mapping(address delegate => uint256 validTo)))
        public delegates;
    /// @inheritdoc IEthereumDIDRegistry
    mapping(address identity => uint256 blockNumber) public changed;
    /// @inheritdoc IEthereumDIDRegistry
    mapping(address owner => uint256 count) public nonce;

    modifier onlyOwner(address identity, address actor) {
        if (actor != identityOwner(identity)) revert NotIdentityOwner(identity, actor);
        _;
    }

    /// @inheritdoc IEthereumDIDRegistry
    function identityOwner(address identity) public view returns (address) {
        address owner = owners[identity];
        return owner != address(0) ? owner : identity;
    }

    /// @inheritdoc IEthereumDIDRegistry
    function validDelegate(address identity, bytes32 delegateType, address delegate) external view returns (bool) {
        return delegates[identity][keccak256(abi.encode(delegateType))][delegate] > block.timestamp;
    }

    /// @inheritdoc IEthereumDIDRegistry
    function changeOwner(address identity, address newOwner) external {
        _changeOwner(identity, msg.sender, newOwner);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function changeOwnerSigned(address identity, uint8 sigV, bytes32 sigR, bytes32 sigS, address newOwner) external {
        bytes32 hash = _messageHash(identity, abi.encodePacked("changeOwner", newOwner));
        _changeOwner(identity, _checkSignature(identity, sigV, sigR, sigS, hash), newOwner);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function addDelegate(address identity, bytes32 delegateType, address delegate, uint256 validity) external {
        _addDelegate(identity, msg.sender, delegateType, delegate, validity);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function addDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate,
        uint256 validity
    ) external {
        bytes32 hash = _messageHash(identity, abi.encodePacked("addDelegate", delegateType, delegate, validity));
        _addDelegate(identity, _checkSignature(identity, sigV, sigR, sigS, hash), delegateType, delegate, validity);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function revokeDelegate(address identity, bytes32 delegateType, address delegate) external {
        _revokeDelegate(identity, msg.sender, delegateType, delegate);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function revokeDelegateSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 delegateType,
        address delegate
    ) external {
        bytes32 hash = _messageHash(identity, abi.encodePacked("revokeDelegate", delegateType, delegate));
        _revokeDelegate(identity, _checkSignature(identity, sigV, sigR, sigS, hash), delegateType, delegate);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external {
        _setAttribute(identity, msg.sender, name, value, validity);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function setAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes calldata value,
        uint256 validity
    ) external {
        bytes32 hash = _messageHash(identity, abi.encodePacked("setAttribute", name, value, validity));
        _setAttribute(identity, _checkSignature(identity, sigV, sigR, sigS, hash), name, value, validity);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function revokeAttribute(address identity, bytes32 name, bytes calldata value) external {
        _revokeAttribute(identity, msg.sender, name, value);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function revokeAttributeSigned(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 name,
        bytes calldata value
    ) external {
        bytes32 hash = _messageHash(identity, abi.encodePacked("revokeAttribute", name, value));
        _revokeAttribute(identity, _checkSignature(identity, sigV, sigR, sigS, hash), name, value);
    }

    /// @inheritdoc IEthereumDIDRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // The nonce is the current owner's, so a signature cannot be replayed, nor used after the owner changed.
    function _messageHash(address identity, bytes memory call) private view returns (bytes32) {
        return
            keccak256(
                abi.encodePacked(bytes1(0x19), bytes1(0), address(this), nonce[identityOwner(identity)], identity, call)
            );
    }

    function _checkSignature(
        address identity,
        uint8 sigV,
        bytes32 sigR,
        bytes32 sigS,
        bytes32 hash
    ) private returns (address signer) {
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecover(hash, sigV, sigR, sigS);
        if (err != ECDSA.RecoverError.NoError || signer != identityOwner(identity))
            revert BadSignature(identity, signer);
        nonce[signer]++;
    }

    function _changeOwner(address identity, address actor, address newOwner) private onlyOwner(identity, actor) {
        owners[identity] = newOwner;
        emit DIDOwnerChanged(identity, newOwner, changed[identity]);
        changed[identity] = block.number;
    }

    function _addDelegate(
        address identity,
        address actor,
        bytes32 delegateType,
        address delegate,
        uint256 validity
    ) private onlyOwner(identity, actor) {
        uint256 validTo = block.timestamp + validity;
        delegates[identity][keccak256(abi.encode(delegateType))][delegate] = validTo;
        emit DIDDelegateChanged(identity, delegateType, delegate, validTo, changed[identity]);
        changed[identity] = block.number;
    }

    function _revokeDelegate(
        address identity,
        address actor,
        bytes32 delegateType,
        address delegate
    ) private onlyOwner(identity, actor) {
        delegates[identity][keccak256(abi.encode(delegateType))][delegate] = block.timestamp;
        emit DIDDelegateChanged(identity, delegateType, delegate, block.timestamp, changed[identity]);
        changed[identity] = block.number;
    }

    function _setAttribute(
        address identity,
        address actor,
        bytes32 name,
        bytes calldata value,
        uint256 validity
    ) private onlyOwner(identity, actor) {
        emit DIDAttributeChanged(identity, name, value, block.timestamp + validity, changed[identity]);
        changed[identity] = block.number;
    }

    function _revokeAttribute(
        address identity,
        address actor,
        bytes32 name,
        bytes calldata value
    ) private onlyOwner(identity, actor) {
        emit DIDAttributeChanged(identity, name, value, 0, changed[identity]);
        changed[identity] = block.number;
    }
}
