// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Licences and sub-licences on registered works, and the delivery batches anchored under them (see IContentLicences).
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {ContentRights} from "./ContentRights.sol";
import {IContentLicences} from "./IContentLicences.sol";
import {IContentRegistry} from "./IContentRegistry.sol";

contract ContentLicences is IContentLicences {
    /// @notice How deep a sub-licence may sit below its root licence (bounds the walk in `status`).
    uint8 public constant MAX_DEPTH = 4;

    IConsortiumRegistry private immutable CONSORTIUM;
    IContentRegistry private immutable REGISTRY;
    mapping(bytes32 licenceId => Licence) private _licences;
    mapping(bytes32 licenceId => mapping(uint32 period => uint32 count)) private _deliveries;

    /// @param consortium_ Registry whose members may be licensees.
    /// @param registry_ The works the licences are on.
    constructor(IConsortiumRegistry consortium_, IContentRegistry registry_) {
        if (address(consortium_) == address(0)) revert InvalidLicenceArgument("consortium");
        if (address(registry_) == address(0)) revert InvalidLicenceArgument("registry");
        CONSORTIUM = consortium_;
        REGISTRY = registry_;
    }

    /// @inheritdoc IContentLicences
    function grant(
        uint256 tokenId,
        bytes32 parentId,
        address licensee,
        Terms calldata terms,
        bytes32 salt
    ) external returns (bytes32 licenceId) {
        _checkTerms(terms);
        if (!CONSORTIUM.isMember(licensee)) revert LicenseeNotMember(licensee);
        uint8 depth = 0;
        if (parentId == bytes32(0)) {
            if (REGISTRY.ownerOf(tokenId) != msg.sender) revert NotGrantor(msg.sender, tokenId, parentId);
        } else {
            depth = _reserveFromParent(tokenId, parentId, terms);
        }
        licenceId = licenceIdOf(tokenId, parentId, msg.sender, licensee, salt);
        if (_licences[licenceId].grantor != address(0)) revert LicenceIdTaken(licenceId);
        _licences[licenceId] = Licence({
            tokenId: tokenId,
            parentId: parentId,
            grantor: msg.sender,
            licensee: licensee,
            terms: terms,
            delivered: 0,
            reserved: 0,
            depth: depth,
            revoked: false
        });
        emit LicenceGranted(licenceId, tokenId, parentId, msg.sender, licensee, terms);
    }

    /// @inheritdoc IContentLicences
    function revoke(bytes32 licenceId) external {
        Licence storage revoked = _known(licenceId);
        if (revoked.grantor != msg.sender) revert NotLicenceGrantor(msg.sender, licenceId);
        if (!revoked.terms.revocable) revert LicenceNotRevocable(licenceId);
        if (revoked.revoked) revert LicenceNotValid(licenceId, Status.Revoked);
        revoked.revoked = true;
        emit LicenceRevoked(licenceId, msg.sender);
    }

    /// @inheritdoc IContentLicences
    function anchorDeliveries(bytes32 licenceId, uint32 period, uint32 count, bytes32 recordsRoot) external {
        Licence storage served = _known(licenceId);
        if (served.licensee != msg.sender) revert NotLicensee(msg.sender, licenceId);
        if (count == 0) revert InvalidLicenceArgument("count");
        if (recordsRoot == bytes32(0)) revert InvalidLicenceArgument("recordsRoot");
        uint32 allowed = served.terms.maxAccesses - served.reserved;
        if (uint256(served.delivered) + count > allowed) {
            revert AccessCountExceeded(licenceId, served.delivered, count, allowed);
        }
        served.delivered += count;
        _deliveries[licenceId][period] += count;
        emit DeliveriesAnchored(licenceId, period, count, recordsRoot, served.delivered);
    }

    /// @inheritdoc IContentLicences
    function licenceIdOf(
        uint256 tokenId,
        bytes32 parentId,
        address grantor,
        address licensee,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), tokenId, parentId, grantor, licensee, salt));
    }

    /// @inheritdoc IContentLicences
    function licence(bytes32 licenceId) external view returns (Licence memory) {
        return _known(licenceId);
    }

    /// @inheritdoc IContentLicences
    function status(bytes32 licenceId) public view returns (Status) {
        Licence storage checked = _licences[licenceId];
        if (checked.grantor == address(0)) return Status.Unknown;
        if (block.timestamp < checked.terms.start) return Status.NotStarted;
        if (block.timestamp >= checked.terms.end) return Status.Expired;
        if (uint256(checked.delivered) + checked.reserved >= checked.terms.maxAccesses) return Status.Exhausted;
        // Revocation of any licence above ends this one; the depth cap bounds the walk.
        for (Licence storage up = checked; ; up = _licences[up.parentId]) {
            if (up.revoked) return Status.Revoked;
            if (up.parentId == bytes32(0)) break;
        }
        return Status.Valid;
    }

    /// @inheritdoc IContentLicences
    function deliveries(bytes32 licenceId, uint32 period) external view returns (uint32) {
        return _deliveries[licenceId][period];
    }

    /// @inheritdoc IContentLicences
    function registry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @inheritdoc IContentLicences
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _known(bytes32 licenceId) private view returns (Licence storage found) {
        found = _licences[licenceId];
        if (found.grantor == address(0)) revert UnknownLicence(licenceId);
    }

    function _checkTerms(Terms calldata terms) private pure {
        if (terms.rights == 0 || terms.rights & ~ContentRights.ALL != 0) revert InvalidLicenceArgument("rights");
        if (terms.territories == 0) revert InvalidLicenceArgument("territories");
        if (terms.end <= terms.start) revert InvalidLicenceArgument("end");
        if (terms.maxAccesses == 0) revert InvalidLicenceArgument("maxAccesses");
    }

    /// @dev Checks the sub-licence against its parent, term by term, and reserves its access count from the parent.
    function _reserveFromParent(uint256 tokenId, bytes32 parentId, Terms calldata terms) private returns (uint8) {
        Licence storage parent = _known(parentId);
        if (parent.licensee != msg.sender || parent.tokenId != tokenId)
            revert NotGrantor(msg.sender, tokenId, parentId);
        Status parentStatus = status(parentId);
        if (parentStatus != Status.Valid) revert LicenceNotValid(parentId, parentStatus);
        Terms storage limits = parent.terms;
        if (limits.rights & ContentRights.SUBLICENSE == 0) revert SubLicenceExceedsParent(parentId, "sublicense");
        if (terms.rights & ~limits.rights != 0) revert SubLicenceExceedsParent(parentId, "rights");
        if (terms.territories & ~limits.territories != 0) revert SubLicenceExceedsParent(parentId, "territories");
        if (terms.start < limits.start) revert SubLicenceExceedsParent(parentId, "start");
        if (terms.end > limits.end) revert SubLicenceExceedsParent(parentId, "end");
        if (terms.ratePerDelivery < limits.ratePerDelivery) revert SubLicenceExceedsParent(parentId, "rate");
        uint256 remaining = uint256(limits.maxAccesses) - parent.delivered - parent.reserved;
        if (terms.maxAccesses > remaining) revert SubLicenceExceedsParent(parentId, "accesses");
        if (parent.depth >= MAX_DEPTH) revert LicenceTooDeep(parentId, MAX_DEPTH);
        parent.reserved += terms.maxAccesses;
        return parent.depth + 1;
    }
}
