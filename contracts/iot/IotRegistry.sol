// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Schemas, vetted attesters and device identities for IoT trust attestations (docs/iot.md).
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IEthereumDIDRegistry} from "../identity/IEthereumDIDRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IIotRegistry} from "./IIotRegistry.sol";

contract IotRegistry is IIotRegistry {
    uint8 internal constant KIND_PEER = 8;
    uint8 internal constant ALL_KINDS = 0x0f;

    IConsortiumRegistry private immutable CONSORTIUM;
    IEthereumDIDRegistry private immutable DID_REGISTRY;

    mapping(bytes32 schemaId => Schema) private _schemas;
    mapping(address attester => Attester) private _attesters;
    mapping(address device => Device) private _devices;

    constructor(IConsortiumRegistry consortium_, IEthereumDIDRegistry didRegistry_) {
        if (address(consortium_) == address(0) || address(didRegistry_) == address(0)) revert ZeroDependency();
        CONSORTIUM = consortium_;
        DID_REGISTRY = didRegistry_;
    }

    /// @inheritdoc IIotRegistry
    function registerSchema(
        string calldata name,
        string calldata definition,
        bool revocable,
        uint8 attesterKinds
    ) external returns (bytes32 schemaId) {
        if (bytes(name).length == 0 || bytes(definition).length == 0) revert EmptySchema();
        if (attesterKinds == 0 || attesterKinds & ~ALL_KINDS != 0) revert InvalidAttesterKinds(attesterKinds);
        schemaId = _schemaId(msg.sender, name, definition, revocable, attesterKinds);
        if (_schemas[schemaId].creator != address(0)) revert SchemaExists(schemaId);
        _schemas[schemaId] = Schema({
            creator: msg.sender,
            attesterKinds: attesterKinds,
            revocable: revocable,
            definitionHash: keccak256(bytes(definition))
        });
        emit SchemaRegistered(schemaId, msg.sender, name, definition, revocable, attesterKinds);
    }

    /// @inheritdoc IIotRegistry
    function vetAttester(address attester_, uint8 kind) external {
        _onlyTrustAuthority();
        if (kind == 0 || kind & (kind - 1) != 0 || kind & ~ALL_KINDS != 0) revert InvalidAttesterKind(kind);
        uint8 current = _attesters[attester_].kind;
        if (current != 0) revert AttesterAlreadyVetted(attester_, current);
        _attesters[attester_] = Attester({kind: kind, vettedBy: msg.sender});
        emit AttesterVetted(attester_, kind, msg.sender);
    }

    /// @inheritdoc IIotRegistry
    function unvetAttester(address attester_) external {
        _onlyTrustAuthority();
        if (_attesters[attester_].kind == 0) revert AttesterNotVetted(attester_, 0);
        delete _attesters[attester_];
        emit AttesterUnvetted(attester_, msg.sender);
    }

    /// @inheritdoc IIotRegistry
    function registerDevice(
        address device_,
        address oem,
        string calldata make,
        string calldata model,
        bytes calldata deviceSignature
    ) external returns (bytes32 modelId) {
        _onlyVetted(oem, 1);
        if (bytes(make).length == 0 || bytes(model).length == 0) revert EmptyMakeOrModel();
        if (device_ == address(0) || _devices[device_].oem != address(0)) revert DeviceExists(device_);
        modelId = _modelId(oem, make, model);
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(_bindingDigest(device_, oem, modelId));
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, deviceSignature);
        if (err != ECDSA.RecoverError.NoError || signer != device_) revert InvalidDeviceSignature(device_);
        _devices[device_] = Device({oem: oem, modelId: modelId, simOperator: address(0)});
        emit DeviceRegistered(device_, oem, modelId, make, model);
    }

    /// @inheritdoc IIotRegistry
    function attestSimKeyBinding(address device_, address operator) external {
        _onlyVetted(operator, 2);
        if (_devices[device_].oem == address(0)) revert UnknownDevice(device_);
        _devices[device_].simOperator = operator;
        emit SimKeyBindingAttested(device_, operator);
    }

    /// @inheritdoc IIotRegistry
    function schema(bytes32 schemaId) external view returns (Schema memory) {
        return _schemas[schemaId];
    }

    /// @inheritdoc IIotRegistry
    function attesterKind(address attester_) external view returns (uint8) {
        uint8 kind = _attesters[attester_].kind;
        if (kind != 0) return kind;
        return _devices[attester_].oem != address(0) ? KIND_PEER : 0;
    }

    /// @inheritdoc IIotRegistry
    function attester(address attester_) external view returns (Attester memory) {
        return _attesters[attester_];
    }

    /// @inheritdoc IIotRegistry
    function device(address device_) external view returns (Device memory) {
        return _devices[device_];
    }

    /// @inheritdoc IIotRegistry
    function deviceBindingDigest(address device_, address oem, bytes32 modelId) external view returns (bytes32) {
        return _bindingDigest(device_, oem, modelId);
    }

    /// @inheritdoc IIotRegistry
    function schemaIdOf(
        address creator,
        string calldata name,
        string calldata definition,
        bool revocable,
        uint8 attesterKinds
    ) external pure returns (bytes32) {
        return _schemaId(creator, name, definition, revocable, attesterKinds);
    }

    /// @inheritdoc IIotRegistry
    function modelIdOf(address oem, string calldata make, string calldata model) external pure returns (bytes32) {
        return _modelId(oem, make, model);
    }

    /// @inheritdoc IIotRegistry
    function didOwner(address did) external view returns (address) {
        return DID_REGISTRY.identityOwner(did);
    }

    /// @inheritdoc IIotRegistry
    function consortium() external view returns (address) {
        return address(CONSORTIUM);
    }

    /// @inheritdoc IIotRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _onlyTrustAuthority() private view {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.TRUST_AUTHORITY)) revert NotTrustAuthority(msg.sender);
    }

    /// @dev The caller must act for `did` (own it in the DID registry) and `did` must be vetted as `kind`.
    function _onlyVetted(address did, uint8 kind) private view {
        address owner = DID_REGISTRY.identityOwner(did);
        if (msg.sender != owner) revert NotDidOwner(did, msg.sender, owner);
        if (_attesters[did].kind != kind) revert AttesterNotVetted(did, kind);
    }

    function _bindingDigest(address device_, address oem, bytes32 modelId) private view returns (bytes32) {
        return
            keccak256(
                abi.encode("telco-ledger iot device binding", block.chainid, address(this), device_, oem, modelId)
            );
    }

    function _schemaId(
        address creator,
        string calldata name,
        string calldata definition,
        bool revocable,
        uint8 attesterKinds
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, name, definition, revocable, attesterKinds));
    }

    function _modelId(address oem, string calldata make, string calldata model) private pure returns (bytes32) {
        return keccak256(abi.encode(oem, make, model));
    }
}
